package dev.sixkit.console;

import dev.sixkit.dsl.DslException;
import dev.sixkit.dsl.HostSpec;
import dev.sixkit.dsl.PersistSpec;
import dev.sixkit.dsl.SetupSpec;
import dev.sixkit.dsl.Words;
import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.dsl.groovy.SixkitScript;
import groovy.lang.GroovySystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.sixkit.dsl.groovy.GroovySource;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;

/**
 * The sixkit console: a Groovy shell on JLine with the setup language and the SDK in scope. Line
 * editing, a history kept in a file, Tab completion of the DSL's words (by block) and of methods
 * after a dot, closures over several lines (Enter on an open brace asks for more), results as
 * tables. What runs in a script runs here and the reverse: both go through {@link ScriptRunner}
 * with the same base class, imports and error messages.
 *
 * <p>Not thread-safe: one terminal, one reader thread.
 */
public final class Console implements AutoCloseable {
  public static final String PROMPT = "sixkit> ";
  public static final String MORE = "   ...> ";

  private final Terminal terminal;
  private final PrintWriter out;
  private final DslSession session;
  private final ScriptRunner runner;
  private final LineReader reader;
  private int evaluations;

  /**
   * @param terminal the terminal to read and write
   * @param history the history file, or null for none
   * @param args the value of {@code args} in scripts
   */
  public Console(Terminal terminal, Path history, List<String> args) {
    this.terminal = terminal;
    if (terminal.getWidth() <= 0 || terminal.getHeight() <= 0) {
      // A pty nobody sized (script(1) fed by a pipe) says 0x0; JLine cannot draw a prompt in that.
      terminal.setSize(new org.jline.terminal.Size(80, 24));
    }
    this.out = terminal.writer();
    this.session = new DslSession(out, false, false);
    this.runner = new ScriptRunner(session, args);
    runner.binding().setVariable("out", out);
    LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("sixkit")
        .parser(new ConsoleParser()).completer(new ConsoleCompleter(runner.binding()))
        .history(new DefaultHistory())
        .variable(LineReader.SECONDARY_PROMPT_PATTERN, MORE)
        .variable(LineReader.INDENTATION, 2)
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        .option(LineReader.Option.INSERT_TAB, false)
        .option(LineReader.Option.AUTO_FRESH_LINE, true);
    if (history != null) {
      b.variable(LineReader.HISTORY_FILE, history);
    }
    this.reader = b.build();
    // Ctrl-C while a line runs: interrupt it, never the whole JVM (the default for SIGINT). While
    // a line is being read the reader takes Ctrl-C itself and drops the line.
    Thread main = Thread.currentThread();
    terminal.handle(Terminal.Signal.INT, sig -> {
      if (running) {
        main.interrupt();
      }
    });
  }

  private volatile boolean running;

  /** Loads the compiler in the background, so the first line runs fast while the prompt is already up. */
  public static void warmUp() {
    Thread t = new Thread(() -> {
      try {
        ScriptRunner r = new ScriptRunner(new DslSession(new PrintWriter(PrintWriter.nullWriter()), false, false), List.of());
        r.evaluate("def x = [a: 1]; table([x]); x.a + 1", "warmup.groovy");
      } catch (RuntimeException e) {
        // only a warm-up
      }
    }, "sixkit-console-warmup");
    t.setDaemon(true);
    t.start();
  }

  public void banner() {
    out.println("Sixkit console (Groovy " + GroovySystem.getVersion() + ", Java " + System.getProperty("java.version")
        + "): the setup language and the SDK.");
    out.println("Tab completes words and methods, :help lists the words, :load FILE runs a script, Ctrl-D leaves.");
    out.flush();
  }

  /**
   * Runs a script file in this session as {@code ./sixkit run} would (its steps print their
   * tables); its setup and variables stay for the lines typed after.
   */
  public boolean load(Path file, List<String> args) {
    runner.binding().setVariable("args", args.toArray(String[]::new));
    session.echo(true);
    try {
      runner.run(file);
      return true;
    } catch (RuntimeException e) {
      error(e);
      return false;
    } finally {
      session.echo(false);
      out.flush();
    }
  }

  /** Reads and runs lines until Ctrl-D or :exit. */
  public void loop() {
    while (true) {
      String line;
      try {
        line = reader.readLine(PROMPT);
      } catch (UserInterruptException e) {
        continue; // Ctrl-C drops the line
      } catch (EndOfFileException e) {
        break;
      }
      if (!handle(line)) {
        break;
      }
    }
    try {
      reader.getHistory().save();
    } catch (IOException e) {
      // a history that cannot be saved is not worth failing for
    }
  }

  /** The completions Tab offers for a buffer with the cursor at its end. */
  public List<String> complete(String buffer) {
    return new ConsoleCompleter(runner.binding()).candidates(buffer, buffer.length()).stream()
        .map(org.jline.reader.Candidate::value).toList();
  }

  /** Runs one buffer as if typed at the prompt; false when the console should end. */
  public boolean handle(String line) {
    String t = line.strip();
    if (t.isEmpty()) {
      return true;
    }
    switch (t.split("\\s+")[0]) {
      case ":exit", ":quit", ":q", "exit", "quit" -> {
        return false;
      }
      case ":help", ":h", "help" -> {
        help();
        return true;
      }
      case ":load", ":l" -> {
        String[] w = t.split("\\s+");
        if (w.length < 2) {
          out.println("usage: :load FILE.groovy [ARGS...]");
        } else {
          Path f = Path.of(w[1]);
          if (!Files.isReadable(f)) {
            out.println("error: cannot read " + f);
          } else {
            load(f, List.of(w).subList(2, w.length));
          }
        }
        out.flush();
        return true;
      }
      default -> { }
    }
    evaluations++;
    running = true;
    try {
      show(runner.evaluate(GroovySource.keepVariables(line), "console" + evaluations + ".groovy"));
    } catch (RuntimeException e) {
      error(e);
    } finally {
      running = false;
      Thread.interrupted(); // a Ctrl-C that came too late for this line must not hit the next one
    }
    return true;
  }

  private void show(Object value) {
    String text = Results.format(value);
    if (text != null) {
      out.println(text);
    }
    out.flush();
  }

  private void error(RuntimeException e) {
    String msg;
    if (e instanceof DslException d && d.file().map(f -> f.startsWith("console")).orElse(false)) {
      // Console lines are numbered per entry: say "line N" when the entry had several lines.
      msg = (d.line() > 1 ? "line " + d.line() + ": " : "") + d.detail();
    } else {
      msg = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    out.println("error: " + msg);
    out.flush();
  }

  private void help() {
    out.println("Top level (a script or a line):");
    words(SixkitScript.class, "  ");
    out.println("Inside setup { }:   (mode routed | mode ndpProxy)");
    words(SetupSpec.class, "  ");
    out.println("Inside host('NAME') { }:");
    words(HostSpec.class, "  ");
    out.println("Inside persist { }:");
    words(PersistSpec.class, "  ");
    out.println("Console: :load FILE [ARGS]  :help  :exit (or Ctrl-D).  `def x = ...` keeps x for later lines.");
    out.flush();
  }

  private void words(Class<?> spec, String indent) {
    List<String[]> rows = new ArrayList<>();
    int w = 0;
    for (Words.Entry e : Words.of(spec)) {
      rows.add(new String[] {e.usage(), e.help()});
      w = Math.max(w, e.usage().length());
    }
    for (String[] r : rows) {
      out.println(indent + r[0] + " ".repeat(w - r[0].length() + 2) + r[1]);
    }
  }

  public DslSession session() {
    return session;
  }

  public ScriptRunner runner() {
    return runner;
  }

  @Override
  public void close() {
    session.close();
    try {
      terminal.close();
    } catch (IOException e) {
      // closing a terminal that is gone
    }
  }
}
