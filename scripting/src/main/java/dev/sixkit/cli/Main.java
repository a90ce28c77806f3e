package dev.sixkit.cli;

import dev.sixkit.netlink.NetlinkException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code sixkit} command. Exit codes scripts can rely on: 0 success, 1 failure (the reason on
 * stderr, one line, no stack trace unless {@code --debug}), 2 usage error.
 *
 * <p>Each run builds its own command objects; nothing here is shared between threads.
 */
@Command(name = "sixkit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "IPv6 across Docker hosts: labs, NDP proxying, routes, a setup language and a doctor.",
    subcommands = {DemoCommand.class, LabCommand.class, ShowCommand.class, BenchCommand.class, NdpCommand.class, DoctorCommand.class, Main.Completion.class,
        RunCommand.class, ConsoleCommand.class, JShellCommand.class, DaemonCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure (the reason is printed on stderr)", "2:usage error"})
public final class Main implements Runnable {
  static {
    // With Groovy on the class path picocli would boot the whole Groovy runtime (several MiB of
    // metaspace, ~300 classes) looking for closures in annotations; we use none. The launcher
    // sets this too; set here so every way of starting Main (tests, a sync's systemd unit) gets it.
    if (System.getProperty("picocli.disable.closures") == null) {
      System.setProperty("picocli.disable.closures", "true");
    }
  }

  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  @Spec
  CommandSpec spec;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print stack traces and debug logs (on stderr).")
  boolean debug;

  @Override
  public void run() {
    // No subcommand: show what there is.
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    configureLogging(List.of(args).contains("--debug"));
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = execute(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * The command line's logging: the launcher puts slf4j-simple on its class path (the scripting jar,
   * a library too, carries no backend nor its settings), configured here before any logger exists
   * (slf4j-simple reads its settings once): warnings on stderr, everything with {@code --debug},
   * docker-java's HTTP client at warn unless named ({@code -Dorg.slf4j.simpleLogger.log.com.github.dockerjava=debug}).
   * A {@code -D} given to the JVM wins over each default.
   */
  static void configureLogging(boolean debug) {
    String p = "org.slf4j.simpleLogger.";
    setIfAbsent(p + "logFile", "System.err");
    setIfAbsent(p + "defaultLogLevel", debug ? "debug" : "warn");
    setIfAbsent(p + "showThreadName", "false");
    setIfAbsent(p + "showShortLogName", "true");
    setIfAbsent(p + "log.com.github.dockerjava", "warn");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Runs the command with the given streams and returns its exit code (for tests and embedding). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return configure(rootFor(args), out, err).execute(args);
  }

  /** Runs the command with {@code run} at the given site (the run daemon's runs). */
  static int execute(PrintWriter out, PrintWriter err, RunSite site, String... args) {
    CommandLine.IFactory runs = new CommandLine.IFactory() {
      @Override
      @SuppressWarnings("unchecked")
      public <K> K create(Class<K> cls) throws Exception {
        return cls == RunCommand.class ? (K) new RunCommand(site) : CommandLine.defaultFactory().create(cls);
      }
    };
    return configure(rootFor(runs, args), out, err).execute(args);
  }

  /**
   * The command line a run parses with. For a run of one command (such as {@code show neighbours}
   * or the long-running {@code ndp sync}) a root with only that command: picocli then builds, and
   * keeps for the life of the process, the model of one command instead of all ten, which is
   * shorter to start and smaller to keep. Help, completion and anything unknown get the full tree.
   */
  static CommandLine rootFor(String... args) {
    return rootFor(CommandLine.defaultFactory(), args);
  }

  /** {@link #rootFor(String...)} with the commands made by {@code factory}. */
  static CommandLine rootFor(CommandLine.IFactory factory, String... args) {
    String first = null;
    for (String a : args) {
      if (!a.startsWith("-")) {
        first = a;
        break;
      }
    }
    Class<?> only = first == null || first.equals("completion") ? null : commandNamed(first);
    if (only == null) {
      return new CommandLine(new Main(), factory);
    }
    CommandLine root = new CommandLine(new OneCommandRoot(), factory);
    root.addSubcommand(new CommandLine(only, factory));
    return root;
  }

  /** The top-level command class of that name, read from the annotation alone (no picocli model built). */
  static Class<?> commandNamed(String name) {
    for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
      Command cmd = c.getAnnotation(Command.class);
      if (cmd != null && cmd.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /**
   * The root of a one-command run: the same name, version, --debug and exit codes as {@link Main},
   * with the one command added by {@link #rootFor}.
   */
  @Command(name = "sixkit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:success", "1:failure (the reason is printed on stderr)", "2:usage error"})
  static final class OneCommandRoot implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces and debug logs (on stderr).")
    boolean debug;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
  }

  /** The configured command line: streams, exit codes, error reporting. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return configure(new CommandLine(new Main()), out, err);
  }

  private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
    cl.setOut(HelpText.unglued(out));
    cl.setErr(HelpText.unglued(err));
    cl.setHelpFactory(HelpText.factory());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      boolean debug = parsed.hasMatchedOption("--debug") || isDebug(parsed);
      PrintWriter w = cmd.getErr();
      w.println("sixkit: " + describe(e));
      if (debug) {
        e.printStackTrace(w);
      }
      w.flush();
      return FAILURE;
    });
    return cl;
  }

  private static boolean isDebug(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** One line for a person: a NetlinkException's own sentence, or the exception type and text. */
  static String describe(Throwable e) {
    if (e instanceof NetlinkException || e instanceof CliException || e instanceof dev.sixkit.SixkitException
        || e instanceof dev.sixkit.plan.PlanException) {
      return e.getMessage();
    }
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      return u.getCause().toString();
    }
    Throwable c = e;
    while (c.getCause() != null && (c instanceof RuntimeException) && c.getMessage() == null) {
      c = c.getCause();
    }
    if (c instanceof NetlinkException || c instanceof dev.sixkit.SixkitException) {
      return c.getMessage();
    }
    return c.getMessage() == null ? c.toString() : c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  /** A failure with a message meant for the user as is (exit 1, no stack trace). */
  public static final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
      super(message);
    }

    public CliException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The version from the build (version.properties, filtered by Maven). */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sixkit " + version(), "Java " + System.getProperty("java.version")
          + " (" + System.getProperty("java.vm.name") + ")"};
    }

    static String version() {
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "unknown";
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }
  }

  @Command(name = "completion", mixinStandardHelpOptions = true,
      description = {"Print a bash completion script for sixkit (zsh: through bashcompinit). Namespaces, labs, lab hosts"
          + " and interfaces complete with the names that exist when Tab is pressed.",
          "Use: source <(./sixkit completion)  or save it under /etc/bash_completion.d/sixkit"})
  static final class Completion implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      CommandLine root = spec.root().commandLine();
      PrintWriter out = spec.commandLine().getOut();
      out.print(NameCompletion.bash(AutoComplete.bash("sixkit", root), root));
      out.flush();
    }
  }
}
