package dev.sixkit.cli;

import dev.sixkit.plan.Table;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit bench startup}: how long a person waits. The console's first prompt (on a real
 * pseudo-terminal, through script(1)), and the first result of {@code ./sixkit show neighbours}
 * against {@code ip -6 neigh show}, run side by side in alternating rounds, each a fresh process
 * started the way a person starts it (the launcher, with its class-data archive). Not shared
 * between threads.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
    description = {"Start-up times: the console's first prompt, and a one-shot command beside ip.",
        "Times the first result of ./sixkit show neighbours against ip -6 neigh show, side by side (fresh processes"
            + " through the launcher, alternating rounds).",
        "Goals: console ready within 1.5 s, a one-shot command within 0.6 s."})
final class StartupBench implements Callable<Integer> {
  static final double CONSOLE_GOAL = 1.5;
  static final double ONE_SHOT_GOAL = 0.6;
  private static final byte[] PROMPT = "sixkit> ".getBytes(StandardCharsets.UTF_8);

  @Spec
  CommandSpec spec;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "5", description = "Rounds (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--netns", paramLabel = "NAME", description = "Read the neighbours of this namespace (both tools).")
  String netns;

  @Option(names = "--launcher", paramLabel = "PATH",
      description = "The sixkit launcher to time (default: the one next to this build).")
  Path launcher;

  @Option(names = "--java-classpath", paramLabel = "CP",
      description = "Time `java -cp CP dev.sixkit.cli.Main` instead of the launcher (no class-data archive).")
  String javaClasspath;

  @Option(names = "--json", description = "Print every sample as JSON.")
  boolean json;

  @Option(names = "--strict", description = "Exit 1 when a goal is missed.")
  boolean strict;

  /** One round's samples in seconds. */
  record Round(double consolePrompt, double showFirst, double showDone, double ipFirst, double ipDone) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (rounds < 1) {
      throw new Main.CliException("--rounds must be at least 1");
    }
    List<String> sixkit = command();
    if (!onPath("script")) {
      throw new Main.CliException("script(1) is needed to give the console a terminal (apt-get install bsdutils)");
    }
    List<String> show = new ArrayList<>(sixkit);
    show.addAll(List.of("show", "neighbours"));
    List<String> ip = new ArrayList<>(List.of("ip"));
    if (netns != null) {
      show.addAll(List.of("--netns", netns));
      ip.addAll(List.of("-n", netns));
    }
    ip.addAll(List.of("-6", "neigh", "show"));
    List<String> console = new ArrayList<>(sixkit);
    console.addAll(List.of("console", "--no-history"));

    // One untimed run of each: the page cache, and a launcher that may still want to build.
    timeToExit(show);
    timeToExit(ip);
    timeToPrompt(console);
    List<Round> samples = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      double c;
      double[] s;
      double[] p;
      if (i % 2 == 0) {
        c = timeToPrompt(console);
        s = timeToExit(show);
        p = timeToExit(ip);
      } else {
        p = timeToExit(ip);
        s = timeToExit(show);
        c = timeToPrompt(console);
      }
      samples.add(new Round(c, s[0], s[1], p[0], p[1]));
    }
    double console50 = median(samples.stream().mapToDouble(Round::consolePrompt).toArray());
    double show50 = median(samples.stream().mapToDouble(Round::showFirst).toArray());
    double ip50 = median(samples.stream().mapToDouble(Round::ipFirst).toArray());
    boolean consoleOk = console50 <= CONSOLE_GOAL;
    boolean showOk = show50 <= ONE_SHOT_GOAL;
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("command", String.join(" ", sixkit));
      doc.put("archive", archive().map(Path::toString).orElse(null));
      doc.put("rounds", samples);
      doc.put("consolePromptMedian", console50);
      doc.put("showNeighboursMedian", show50);
      doc.put("ipNeighShowMedian", ip50);
      doc.put("consoleGoalMet", consoleOk);
      doc.put("oneShotGoalMet", showOk);
      out.println(Json.write(doc, true));
    } else {
      out.println("startup of " + String.join(" ", sixkit) + " (" + archiveText() + "), " + rounds + " rounds, "
          + "load average " + loadAverage());
      Table t = Table.of("WHAT", "MEDIAN", "MIN", "MAX", "GOAL", "");
      row(t, "console: first prompt", samples.stream().mapToDouble(Round::consolePrompt).toArray(), CONSOLE_GOAL);
      row(t, "sixkit show neighbours: first result", samples.stream().mapToDouble(Round::showFirst).toArray(),
          ONE_SHOT_GOAL);
      row(t, "sixkit show neighbours: exit", samples.stream().mapToDouble(Round::showDone).toArray(), 0);
      row(t, "ip -6 neigh show: first result", samples.stream().mapToDouble(Round::ipFirst).toArray(), 0);
      row(t, "ip -6 neigh show: exit", samples.stream().mapToDouble(Round::ipDone).toArray(), 0);
      out.println(t);
      out.printf("sixkit show neighbours takes %.0f times as long as ip -6 neigh show to answer%n",
          ip50 > 0 ? show50 / ip50 : Double.NaN);
    }
    out.flush();
    return strict && !(consoleOk && showOk) ? Main.FAILURE : Main.OK;
  }

  private static void row(Table t, String what, double[] v, double goal) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    double m = median(v);
    t.row(what, secs(m), secs(s[0]), secs(s[s.length - 1]), goal > 0 ? "<= " + goal + " s" : "",
        goal > 0 ? (m <= goal ? "PASS" : "MISS") : "");
  }

  private static String secs(double s) {
    return String.format("%.3f s", s);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** How sixkit is started: the launcher, or java with a class path. */
  private List<String> command() {
    if (javaClasspath != null) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      cmd.addAll(SyncJvm.nativeAccess());
      cmd.addAll(List.of("-cp", javaClasspath, "dev.sixkit.cli.Main"));
      return cmd;
    }
    Path l = launcher != null ? launcher : defaultLauncher();
    if (l == null || !Files.isExecutable(l)) {
      throw new Main.CliException("no sixkit launcher found" + (l == null ? "" : " at " + l)
          + "; give --launcher PATH or --java-classpath CP");
    }
    return List.of(l.toAbsolutePath().toString());
  }

  /** ROOT/sixkit for a build at ROOT/scripting/target/(classes|scripting-VERSION.jar). */
  static Path defaultLauncher() {
    try {
      Path here = Path.of(StartupBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = here.getParent().getParent().getParent();
      Path l = root.resolve("sixkit");
      return Files.isExecutable(l) ? l : null;
    } catch (Exception e) {
      return null;
    }
  }

  private java.util.Optional<Path> archive() {
    if (javaClasspath != null) {
      return java.util.Optional.empty();
    }
    Path l = launcher != null ? launcher : defaultLauncher();
    if (l == null) {
      return java.util.Optional.empty();
    }
    // The launcher keeps one archive per JDK: sixkit-VERSION-KEY.jsa (17-24) or .aot (25+), VERSION
    // being this JVM's (the launcher runs on the same JAVA_HOME as the bench).
    Path dir = l.toAbsolutePath().getParent().resolve("scripting/target");
    String prefix = "sixkit-" + System.getProperty("java.runtime.version").replaceAll("[^A-Za-z0-9._-]", "_") + "-";
    try (var s = Files.list(dir)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(prefix) && (n.endsWith(".jsa") || n.endsWith(".aot"));
      }).findFirst();
    } catch (java.io.IOException e) {
      return java.util.Optional.empty();
    }
  }

  private String archiveText() {
    return archive().map(p -> {
      try {
        return "class-data archive " + p + ", " + String.format("%.1f MB", Files.size(p) / 1e6);
      } catch (IOException e) {
        return "class-data archive " + p;
      }
    }).orElse("no class-data archive");
  }

  private static String loadAverage() {
    try {
      String[] w = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
      return w[0] + " " + w[1] + " " + w[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static boolean onPath(String cmd) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, cmd))) {
        return true;
      }
    }
    return false;
  }

  private static ProcessBuilder builder(List<String> cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SIXKIT_NO_BUILD", "1");
    return pb;
  }

  /** Seconds to the first byte of output and to the end of the process. */
  static double[] timeToExit(List<String> cmd) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = builder(cmd).start();
    p.getOutputStream().close();
    InputStream in = p.getInputStream();
    int first = in.read();
    long t1 = System.nanoTime();
    in.transferTo(OutputStream.nullOutputStream());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new Main.CliException(String.join(" ", cmd) + " did not end within 60 s");
    }
    long t2 = System.nanoTime();
    if (p.exitValue() != 0) {
      throw new Main.CliException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")");
    }
    // No output at all: the result is the (empty) answer at exit.
    return new double[] {(first < 0 ? t2 - t0 : t1 - t0) / 1e9, (t2 - t0) / 1e9};
  }

  /** Seconds until the console prints its prompt on a pseudo-terminal; then leaves it with Ctrl-D. */
  static double timeToPrompt(List<String> console) throws IOException, InterruptedException {
    String line = String.join(" ", console.stream().map(StartupBench::shellQuote).toList());
    long t0 = System.nanoTime();
    Process p = builder(List.of("script", "-qfec", line, "/dev/null")).start();
    InputStream in = p.getInputStream();
    byte[] buf = new byte[8192];
    byte[] seen = new byte[0];
    long t1 = -1;
    try {
      while (t1 < 0) {
        int n = in.read(buf);
        if (n < 0) {
          throw new Main.CliException("the console ended before its prompt: " + new String(seen, StandardCharsets.UTF_8));
        }
        byte[] more = new byte[seen.length + n];
        System.arraycopy(seen, 0, more, 0, seen.length);
        System.arraycopy(buf, 0, more, seen.length, n);
        seen = more;
        if (indexOf(seen, PROMPT) >= 0) {
          t1 = System.nanoTime();
        }
      }
      OutputStream o = p.getOutputStream();
      o.write(4); // Ctrl-D: the console ends
      o.flush();
      o.close();
      in.transferTo(OutputStream.nullOutputStream());
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        throw new Main.CliException("the console did not end on Ctrl-D");
      }
    } finally {
      p.destroyForcibly();
      p.descendants().forEach(ProcessHandle::destroyForcibly);
    }
    return (t1 - t0) / 1e9;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static String shellQuote(String s) {
    return s.matches("[A-Za-z0-9_./:=@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
