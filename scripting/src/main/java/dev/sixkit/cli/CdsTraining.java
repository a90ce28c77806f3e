package dev.sixkit.cli;

import dev.sixkit.console.Console;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the launcher runs once after a build with -XX:ArchiveClassesAtExit: a one-shot command
 * (show links), then the console's classes (JLine, the Groovy compiler, the DSL) on a dumb
 * terminal, so the class-data archive serves both the one-shot commands and the console. Then
 * the classes a fleet run over SSH loads and no training can reach without hosts (Apache MINA's
 * client, the JSON readers, the plan engine: {@value #FLEET_CLASSES}, one name a line, recorded
 * from {@code ./sixkit run} of a setup of SSH hosts with -Xlog:class+load, see
 * scripts/cds-classes.sh): loading them from the archive takes seconds off a cold fleet run on a
 * busy machine. A name that no longer exists is skipped. Stateless.
 */
final class CdsTraining {
  static final String FLEET_CLASSES = "cds-classes.txt";

  private CdsTraining() {}

  static int run(CommandSpec spec) throws Exception {
    PrintWriter sink = new PrintWriter(PrintWriter.nullWriter());
    Main.execute(sink, sink, "show", "links");
    Main.execute(sink, sink, "show", "neighbours");
    try (Terminal t = TerminalBuilder.builder().system(false).dumb(true).type("dumb")
        .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream()).build();
        Console c = new Console(t, null, List.of())) {
      c.banner();
      c.handle("def rows = [[a: 1, b: 'x'], [a: 2, b: 'y']]");
      c.handle("rows.collect { it.a }.sum()");
      c.handle("table(rows)");
      c.handle("setup('training') {\n  underlay '2001:db8:ab11::/64'\n  mode ndpProxy\n  split 66\n"
          + "  host('docker1') { netns 'sixkit-cds-none'; uplink 'eth0'; address '2001:db8:ab11::1' }\n}");
      c.handle("setup { uplnk 'eth0' }");
      c.complete("host('docker1').prox");
      c.complete("setup {\n  spl");
    }
    loadFleetClasses();
    return Main.OK;
  }

  /** Loads (without initialising) every class named in {@value #FLEET_CLASSES}; returns how many loaded. */
  static int loadFleetClasses() throws java.io.IOException {
    java.io.InputStream in = CdsTraining.class.getResourceAsStream(FLEET_CLASSES);
    if (in == null) {
      return 0;
    }
    ClassLoader loader = CdsTraining.class.getClassLoader();
    int loaded = 0;
    try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(in,
        java.nio.charset.StandardCharsets.UTF_8))) {
      for (String name; (name = r.readLine()) != null;) {
        name = name.strip();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try {
          Class.forName(name, false, loader);
          loaded++;
        } catch (ClassNotFoundException | LinkageError e) {
          // renamed or gone since the list was recorded: not archived, loaded normally when used
        }
      }
    }
    return loaded;
  }
}
