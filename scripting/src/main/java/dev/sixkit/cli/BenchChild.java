package dev.sixkit.cli;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerEvent;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.WebImage;
import dev.sixkit.netlink.Event;
import dev.sixkit.netlink.Events;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Multicast;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.plan.Mode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A sync process the ndp-sync bench starts, reads and kills. Not thread-safe. */
final class BenchChild {
  final Process process;
  final long started;
  final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private BenchChild(Process p, long started) {
    this.process = p;
    this.started = started;
  }

  static BenchChild start(List<String> cmd) throws IOException {
    long t0 = NdpSyncBench.nowNanos();
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(SyncJvm.ENVIRONMENT);
    pb.environment().put("SIXKIT_NO_BUILD", "1"); // the launcher that started the bench has just built
    Process p = pb.start();
    BenchChild c = new BenchChild(p, t0);
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null;) {
          c.lines.add(l);
        }
      } catch (IOException e) {
        // process gone
      }
    }, "sixkit-bench-child");
    t.setDaemon(true);
    t.start();
    return c;
  }

  void awaitLine(String contains, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      synchronized (lines) {
        if (lines.stream().anyMatch(l -> l.contains(contains))) {
          return;
        }
      }
      if (!process.isAlive()) {
        throw new Main.CliException("the sync process exited: " + String.join("\n", lines));
      }
      NdpSyncBench.sleep(10);
    }
    throw new Main.CliException("the sync process did not print '" + contains + "' within " + timeout.toSeconds() + " s");
  }

  String reconcileLine() {
    synchronized (lines) {
      return lines.stream().filter(l -> l.contains("reconcile (start)")).findFirst().orElse("(not seen)")
          .replaceAll("^.*?reconcile", "reconcile");
    }
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL
    process.waitFor(10, TimeUnit.SECONDS);
  }

  void term() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      kill9();
    }
  }
}
