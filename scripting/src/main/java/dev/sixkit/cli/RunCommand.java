package dev.sixkit.cli;

import dev.sixkit.dsl.DslException;
import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit run FILE.groovy [ARGS...] [--plan]}: runs a setup script without a console. The
 * DSL steps print their tables; exit 0 when everything worked, 1 when a step failed (an error
 * names the script line), 2 for usage errors. Each run builds its own command object; not shared
 * between threads.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a Groovy setup script (the DSL of ./sixkit console) without a console.",
        "plan(), apply(), verify() and undo() print their tables; the script's arguments are in args.",
        "Exit status: 0 success, 1 a step failed or verify did not pass (the script line is named), 2 usage."})
final class RunCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** Where this run runs: its own process, or the run daemon. */
  private final RunSite site;

  /** A run in a process of its own (picocli's default factory). */
  RunCommand() {
    this(RunSite.cold());
  }

  RunCommand(RunSite site) {
    this.site = site;
  }

  @Option(names = "--no-daemon", description = "Run in this process and close the hosts' connections at the end. By "
      + "default the launcher hands the run to a background process of this user that keeps the JVM warm and the hosts'"
      + " SSH connections open between runs (like OpenSSH's ControlPersist); it ends after SIXKIT_DAEMON_IDLE seconds "
      + "unused (default 600). SIXKIT_DAEMON=0 turns it off; ./sixkit daemon status|stop.")
  boolean noDaemon;

  @Option(names = "--plan", description = "Only plan: apply() prints the plan and changes nothing, verify() is skipped, "
      + "undo() says what it would revert.")
  boolean planOnly;

  @Option(names = {"-j", "--json"}, description = "Print what the steps returned (plans, changes, verify checks) as one "
      + "JSON document on stdout; notes go to stderr.")
  boolean json;

  @Option(names = "--limit", paramLabel = "HOST,...", split = ",", description = "Read and change only these hosts of "
      + "the setup (the others are not contacted; the plan still needs their address).")
  List<String> limit = new ArrayList<>();

  @Option(names = "--forks", paramLabel = "N", defaultValue = "10", description = "How many hosts are read and changed "
      + "at once (default ${DEFAULT-VALUE}).")
  int forks;

  @Parameters(index = "0", paramLabel = "FILE.groovy", description = "The script.")
  Path file;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the script (args[0], ...); put -- before "
      + "any that start with '-'.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (Files.isDirectory(file)) {
      err.println("sixkit: run: " + file + " is a directory, not a script");
      err.flush();
      return Main.FAILURE;
    }
    if (!Files.isReadable(file)) {
      err.println("sixkit: run: cannot read " + file);
      err.flush();
      return Main.FAILURE;
    }
    if (forks < 1) {
      err.println("sixkit: run: --forks must be at least 1");
      err.flush();
      return Main.USAGE;
    }
    FleetProgress fleet = new FleetProgress(err, !json && site.terminal());
    CountDownLatch finished = new CountDownLatch(1);
    // Whatever the steps print starts below the live lines, which are then drawn afresh under it.
    PrintWriter steps = new PrintWriter(json ? err : out, true) {
      @Override
      public void write(String text, int off, int len) {
        fleet.detach();
        super.write(text, off, len);
      }
    };
    try (DslSession session = new DslSession(steps, true, planOnly)) {
      session.fleet(new dev.sixkit.dsl.Fleet(limit, forks));
      session.hostSource(site.hosts());
      session.status(fleet::update);
      AutoCloseable interrupts = site.interrupts().onInterrupt(session::cancel, finished);
      try {
        return runScript(session, out, err, fleet);
      } finally {
        String summary = fleet.summary();
        if (summary != null) {
          err.println(summary);
          err.flush();
        }
        finished.countDown();
        try {
          interrupts.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private int runScript(DslSession session, PrintWriter out, PrintWriter err, FleetProgress fleet) {
    {
      RunReport report = json ? new RunReport(file.toString(), planOnly) : null;
      if (report != null) {
        session.resultsTo(o -> {
          String note = report.add(o);
          if (note != null) {
            err.println(note);
            err.flush();
          }
        });
      }
      ScriptRunner runner = new ScriptRunner(session, args);
      java.io.PrintStream stdout = System.out;
      if (json) {
        // stdout is the JSON document alone: the script's println (and System.out) go to stderr
        runner.binding().setVariable("out", err);
        System.setOut(System.err);
      }
      try {
        runner.run(file);
      } catch (DslException e) {
        err.println("sixkit: " + e.getMessage());
        if (isDebug() && e.getCause() != null) {
          e.getCause().printStackTrace(err);
        }
        err.flush();
        finish(out, report, false, session.failures(), e.getMessage());
        return Main.FAILURE;
      } finally {
        System.setOut(stdout);
      }
      boolean ok = session.failures().isEmpty();
      if (!ok) {
        err.println("sixkit: " + file.getFileName() + ": failed: " + String.join("; ", session.failures()));
        err.flush();
      }
      finish(out, report, ok, session.failures(), null);
      return ok ? Main.OK : Main.FAILURE;
    }
  }

  private static void finish(PrintWriter out, RunReport report, boolean ok, List<String> failures, String error) {
    if (report != null) {
      out.println(Json.write(report.toJson(ok, failures, error), true));
    }
    out.flush();
  }

  private boolean isDebug() {
    return spec.root().commandLine().getParseResult() != null
        && spec.root().commandLine().getParseResult().hasMatchedOption("--debug");
  }
}
