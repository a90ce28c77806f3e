package dev.sixkit.cli;

import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Neighbours;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.Netns;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit bench netlink}: bulk IPv6 proxy-neighbour inserts into a veth in a fresh namespace,
 * three ways in alternating rounds (sixkit in-process, {@code ip -batch}, pyroute2), then a dump of
 * the entries (sixkit in-process against {@code ip -json -6 neigh show proxy}).
 *
 * <p>What is timed: sixkit, the insert loop in this (warmed-up) JVM; {@code ip -batch} and the
 * {@code ip} dump, the whole process; pyroute2, the insert loop inside the Python script
 * (its whole process time is reported too). Every run is checked: the table must hold exactly
 * the N entries afterwards.
 *
 * <p>The namespace (sxt-bench-RANDOM) is deleted at the end, on failure and on Ctrl-C. One
 * instance per run; not thread-safe.
 */
@Command(name = "netlink", mixinStandardHelpOptions = true,
    description = {"Proxy-neighbour inserts and dump: sixkit vs ip -batch vs pyroute2, side by side.",
        "Goals: inserts no slower than ip -batch, at least 8x faster than pyroute2;",
        "a warm dump no slower than ip -json -6 neigh show proxy."})
final class NetlinkBench implements Callable<Integer> {
  static final double GOAL_VS_IP_BATCH = 1.0;
  static final double GOAL_VS_PYROUTE2 = 8.0;
  static final double GOAL_DUMP_VS_IP = 1.0;
  static final String DEV = "eth0";

  @Spec
  CommandSpec spec;

  @Option(names = "--entries", split = ",", paramLabel = "N[,N...]", defaultValue = "5000,10000",
      description = "Entry counts to measure (default: ${DEFAULT-VALUE}).")
  int[] entries;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
      description = "Rounds per entry count; medians are printed (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--python", paramLabel = "PATH", defaultValue = "/usr/bin/python3",
      description = "Python with pyroute2 (Debian's python3-pyroute2; default: ${DEFAULT-VALUE}).")
  String python;

  @Option(names = "--no-pyroute2", description = "Skip pyroute2.")
  boolean noPyroute2;

  @Option(names = {"-j", "--json"}, description = "Print the results as JSON on stdout (progress stays on stderr).")
  boolean json;

  @Option(names = "--strict", description = "Exit 1 when a goal is missed.")
  boolean strict;

  private final AtomicReference<Process> child = new AtomicReference<>();
  private final AtomicBoolean cleaned = new AtomicBoolean();
  private PrintWriter progress;

  @Override
  public Integer call() throws Exception {
    progress = spec.commandLine().getErr();
    validate();
    if (!noPyroute2) {
      checkPyroute2();
    }
    String ns = "sxt-bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    Path tmp = Files.createTempDirectory("sixkit-bench-");
    Runnable cleanup = () -> {
      if (cleaned.compareAndSet(false, true)) {
        Process p = child.get();
        if (p != null) {
          p.destroyForcibly();
        }
        try {
          Netns.deleteIfExists(ns);
        } catch (RuntimeException e) {
          System.err.println("sixkit: could not delete namespace " + ns + ": " + e.getMessage());
        }
        deleteTree(tmp);
      }
    };
    // Ctrl-C runs shutdown hooks: the namespace goes then too.
    Thread hook = new Thread(cleanup, "sixkit-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Netns.create(ns);
      List<Map<String, Object>> results;
      try (Netlink nl = Netlink.open(ns)) {
        run(ns, "link", "set", "lo", "up");
        results = measureAll(nl, ns, tmp);
      }
      return NetlinkBenchReport.report(spec.commandLine().getOut(), ns, results, json, rounds, strict);
    } finally {
      cleanup.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // already shutting down: the hook has run or is running
      }
    }
  }

  private void validate() {
    if (entries == null || entries.length == 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--entries needs at least one count");
    }
    for (int n : entries) {
      if (n < 1 || n > 200_000) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--entries: " + n + " is out of range (1 to 200000)");
      }
    }
    if (rounds < 1 || rounds > 100) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rounds must be 1 to 100");
    }
  }

  private void checkPyroute2() {
    Exec r = exec(List.of(python, "-c", "import pyroute2"), null);
    if (r.exit != 0) {
      throw new Main.CliException("pyroute2 is not importable with " + python
          + " (apt-get install python3-pyroute2, or run with --no-pyroute2): " + r.err.strip());
    }
  }

  // ---- the measurements ----

  private List<Map<String, Object>> measureAll(Netlink nl, String ns, Path tmp) throws IOException {
    Path script = tmp.resolve("insert.py");
    Files.writeString(script, PYROUTE2_SCRIPT);
    warmUp(nl, ns);
    List<Map<String, Object>> results = new ArrayList<>();
    for (int n : entries) {
      List<String> addrs = addresses(n);
      Path batch = tmp.resolve("batch-" + n);
      Path list = tmp.resolve("addresses-" + n);
      StringBuilder b = new StringBuilder(n * 48);
      for (String a : addrs) {
        b.append("neigh add proxy ").append(a).append(" dev ").append(DEV).append('\n');
      }
      Files.writeString(batch, b);
      Files.writeString(list, String.join("\n", addrs) + "\n");

      List<Double> sixkit = new ArrayList<>();
      List<Double> ipBatch = new ArrayList<>();
      List<Double> py = new ArrayList<>();
      List<Double> pyProcess = new ArrayList<>();
      List<String> methods = new ArrayList<>(List.of("sixkit", "ip-batch"));
      if (!noPyroute2) {
        methods.add("pyroute2");
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < methods.size(); k++) {
          // Alternate: each round starts with the next method, so no method always runs first.
          String m = methods.get((r + k) % methods.size());
          freshVeth(ns);
          switch (m) {
            case "sixkit" -> sixkit.add(insertSixkit(nl, addrs));
            case "ip-batch" -> ipBatch.add(insertIpBatch(ns, batch));
            default -> {
              double[] t = insertPyroute2(ns, script, list);
              py.add(t[0]);
              pyProcess.add(t[1]);
            }
          }
          checkCount(nl, n, m);
          progress.printf(Locale.ROOT, "  %,d entries, round %d/%d: %-9s %.3f s%n", n, r + 1, rounds, m,
              last(m, sixkit, ipBatch, py));
          progress.flush();
        }
      }
      // The table holds the N entries of the last insert: dump them, warm, both ways, alternating.
      List<Double> dumpSixkit = new ArrayList<>();
      List<Double> dumpIp = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        nl.neighbours().proxies().dev(DEV).list();
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
          if ((r + k) % 2 == 0) {
            dumpSixkit.add(dumpSixkit(nl, n));
          } else {
            dumpIp.add(dumpIp(ns, n));
          }
        }
      }
      progress.printf(Locale.ROOT, "  %,d entries: dump sixkit %.4f s, ip %.4f s (medians)%n", n,
          NetlinkBenchReport.median(dumpSixkit), NetlinkBenchReport.median(dumpIp));
      progress.flush();
      results.add(NetlinkBenchReport.result(n, !noPyroute2, sixkit, ipBatch, py, pyProcess, dumpSixkit, dumpIp));
    }
    return results;
  }

  private static double last(String m, List<Double> sixkit, List<Double> ip, List<Double> py) {
    List<Double> l = m.equals("sixkit") ? sixkit : m.equals("ip-batch") ? ip : py;
    return l.get(l.size() - 1);
  }

  /** Compiles the insert and dump paths before anything is timed. */
  private void warmUp(Netlink nl, String ns) {
    progress.println("warming up the JVM (inserts and dumps, not timed)...");
    progress.flush();
    List<String> addrs = addresses(Math.min(2000, Arrays.stream(entries).max().orElse(2000)));
    // C2 compiles after some 10,000 calls: go well past that, so no compilation competes with a
    // timed run for the two cores.
    for (int i = 0; i < 10; i++) {
      freshVeth(ns);
      insertSixkit(nl, addrs);
      for (int j = 0; j < 5; j++) {
        nl.neighbours().proxies().dev(DEV).list();
      }
    }
  }

  private double insertSixkit(Netlink nl, List<String> addrs) {
    int ifindex = nl.links().index(DEV); // resolved once, as bulk callers do
    Neighbours neigh = nl.neighbours();
    System.gc(); // start from an empty young generation, as a fresh ip process would
    long t0 = System.nanoTime();
    for (String a : addrs) {
      neigh.proxy(a).dev(ifindex).add();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private double insertIpBatch(String ns, Path batch) {
    long t0 = System.nanoTime();
    Exec r = exec(List.of("ip", "-n", ns, "-batch", batch.toString()), null);
    double s = (System.nanoTime() - t0) / 1e9;
    if (r.exit != 0) {
      throw new Main.CliException("ip -batch failed (" + r.exit + "): " + r.err.strip());
    }
    return s;
  }

  /** Returns {inserts timed inside python, whole process}. */
  private double[] insertPyroute2(String ns, Path script, Path list) {
    long t0 = System.nanoTime();
    Exec r = exec(List.of("nsenter", "--net=" + Netns.RUN_NETNS.resolve(ns), python, script.toString(), DEV,
        list.toString()), null);
    double whole = (System.nanoTime() - t0) / 1e9;
    if (r.exit != 0) {
      throw new Main.CliException("pyroute2 script failed (" + r.exit + "): " + r.err.strip());
    }
    String out = r.out.strip();
    try {
      return new double[] {Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1).trim()), whole};
    } catch (NumberFormatException e) {
      throw new Main.CliException("pyroute2 script printed no time: " + out);
    }
  }

  private double dumpSixkit(Netlink nl, int n) {
    long t0 = System.nanoTime();
    List<Neighbour> l = nl.neighbours().proxies().dev(DEV).list();
    double s = (System.nanoTime() - t0) / 1e9;
    if (l.size() != n) {
      throw new Main.CliException("sixkit dump returned " + l.size() + " proxy entries, expected " + n);
    }
    return s;
  }

  private double dumpIp(String ns, int n) {
    long t0 = System.nanoTime();
    Exec r = exec(List.of("ip", "-n", ns, "-json", "-6", "neigh", "show", "proxy"), null);
    double s = (System.nanoTime() - t0) / 1e9;
    if (r.exit != 0) {
      throw new Main.CliException("ip neigh show proxy failed (" + r.exit + "): " + r.err.strip());
    }
    int count = 0;
    for (int i = r.out.indexOf("\"dst\""); i >= 0; i = r.out.indexOf("\"dst\"", i + 1)) {
      count++;
    }
    if (count != n) {
      throw new Main.CliException("ip dump printed " + count + " proxy entries, expected " + n);
    }
    return s;
  }

  /** Every method must leave exactly N entries, or its time means nothing. */
  private void checkCount(Netlink nl, int n, String method) {
    int got = nl.neighbours().proxies().dev(DEV).list().size();
    if (got != n) {
      throw new Main.CliException(method + " left " + got + " proxy entries on " + DEV + ", expected " + n);
    }
  }

  /** A new veth eth0 (so a new, empty proxy table on it): the flush between runs. */
  private void freshVeth(String ns) {
    if (exec(List.of("ip", "-n", ns, "link", "show", DEV), null).exit == 0) {
      run(ns, "link", "del", DEV);
    }
    run(ns, "link", "add", DEV, "type", "veth", "peer", "name", "peer0");
    run(ns, "link", "set", DEV, "up");
    run(ns, "link", "set", "peer0", "up");
    try {
      Thread.sleep(100); // let the kernel finish tearing down the old device's entries and groups
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.CliException("interrupted");
    }
  }

  /** 2001:db8:b::X:Y, distinct for i below 2^32. */
  static List<String> addresses(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      out.add("2001:db8:b::" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff));
    }
    return out;
  }

  private static final String PYROUTE2_SCRIPT = String.join("\n",
      "# sixkit bench netlink: pyroute2 side. Times only the insert loop; prints seconds.",
      "import socket, sys, time",
      "from pyroute2 import IPRoute",
      "dev, path = sys.argv[1], sys.argv[2]",
      "with open(path) as f:",
      "    addrs = [l.strip() for l in f if l.strip()]",
      "NTF_PROXY, NUD_PERMANENT = 0x08, 0x80",
      "with IPRoute() as ipr:",
      "    idx = ipr.link_lookup(ifname=dev)[0]",
      "    t0 = time.perf_counter()",
      "    for a in addrs:",
      "        ipr.neigh('add', dst=a, ifindex=idx, family=socket.AF_INET6, flags=NTF_PROXY, state=NUD_PERMANENT)",
      "    t1 = time.perf_counter()",
      "print(t1 - t0)",
      "");

  // ---- processes ----

  private record Exec(int exit, String out, String err) {}

  private void run(String ns, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
    cmd.addAll(List.of(args));
    Exec r = exec(cmd, null);
    if (r.exit != 0) {
      throw new Main.CliException(String.join(" ", cmd) + " failed (" + r.exit + "): " + r.err.strip());
    }
  }

  private Exec exec(List<String> cmd, Path in) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      if (in != null) {
        pb.redirectInput(in.toFile());
      }
      Process p = pb.start();
      child.set(p);
      // Read stderr on a side thread so neither pipe can fill up and block the child.
      StringBuilder err = new StringBuilder();
      Thread t = new Thread(() -> {
        try {
          err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // the process died; its exit code tells
        }
      }, "sixkit-bench-stderr");
      t.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new Main.CliException("timed out: " + String.join(" ", cmd));
      }
      t.join();
      child.set(null);
      if (cleaned.get()) {
        throw new Main.CliException("interrupted"); // the cleanup killed the child
      }
      return new Exec(p.exitValue(), out, err.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.CliException("interrupted");
    }
  }

  private static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder; nothing else to do
    }
  }
}
