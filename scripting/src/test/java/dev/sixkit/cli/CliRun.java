package dev.sixkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One {@code sixkit ...} run in this JVM: its exit status and what it printed. Immutable. */
record CliRun(int exit, String out, String err) {

  /** Runs the command line with fresh output streams. */
  static CliRun sixkit(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
