package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.host.SshHost;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.host.SshProxyNdp;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.plan.ApplyException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Host.ssh against a real OpenSSH server in a lab host when the connection goes wrong: timeouts
 * and unreachable hosts give clear errors, a stalled server times out and the next operation uses
 * a new connection, and a connection or server killed under a write says exactly what was applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshConnectionLossIT extends SshLabFixture {
  // ---------------------------------------------------------------- timeouts and lost connections

  @Test
  void timeoutsAndUnreachableHostsGiveClearErrors() throws IOException {
    Path known = tmp.resolve("known_hosts_local");
    Files.writeString(known, "");
    // Something that accepts TCP connections but never speaks SSH.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread t = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (IOException e) {
          // closed
        }
      });
      t.setDaemon(true);
      t.start();
      long t0 = System.nanoTime();
      SshException e = assertThrows(SshException.class, () -> Host.ssh("root@127.0.0.1:" + silent.getLocalPort(),
          options().knownHosts(known).connectTimeout(Duration.ofSeconds(1))));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(Reason.TIMEOUT, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("127.0.0.1:" + silent.getLocalPort()) && e.getMessage().contains("1000 ms"),
          e.getMessage());
      assertTrue(ms < 5000, "gave up after " + ms + " ms");
      port = silent.getLocalPort();
    }
    // Nothing listens there any more.
    SshException refused = assertThrows(SshException.class, () -> Host.ssh("root@127.0.0.1:" + port,
        options().knownHosts(known)));
    assertEquals(Reason.UNREACHABLE, refused.reason(), refused.getMessage());
    assertTrue(refused.getMessage().toLowerCase().contains("refused"), refused.getMessage());
  }

  private int port;

  @Test
  void aStalledServerTimesOutAndTheNextOperationUsesANewConnection() throws Exception {
    try (SshHost h = Host.ssh(target(), options().commandTimeout(Duration.ofSeconds(2)))) {
      Host.ProxyNdp p = h.enableProxyNdp("tv0");
      List<Long> session = sessionTree();
      assertFalse(session.isEmpty());
      signal(session, "STOP");
      try {
        long t0 = System.nanoTime();
        SshException e = assertThrows(SshException.class, () -> p.proxy("2001:db8:ab12::99"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Reason.TIMEOUT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("2000 ms") && e.getMessage().contains(host.managementAddress()),
            e.getMessage());
        assertTrue(ms < 6000, "gave up after " + ms + " ms");
      } finally {
        signal(session, "KILL"); // never let the stalled session run anything late
      }
      assertEquals(0, Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size());
      // the stalled connection was dropped: the host goes on over a new one
      assertEquals(Change.Kind.ADDED, p.proxy("2001:db8:ab12::99").kind());
      assertEquals(2, h.connects());
      assertEquals(1, Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size());
    }
  }

  /** The per-connection sshd processes (the listener's children) and everything under them. */
  private List<Long> sessionTree() {
    long listener = LabSsh.runningSshd(lab.name(), "docker1").orElseThrow();
    List<Long> out = new ArrayList<>();
    ProcessHandle.of(listener).orElseThrow().children().forEach(c -> out.addAll(Procs.withDescendants(c.pid())));
    return out;
  }

  private static void signal(List<Long> pids, String sig) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
    pids.forEach(p -> cmd.add(Long.toString(p)));
    Process p = new ProcessBuilder(cmd).start();
    p.waitFor();
  }

  @Test
  void aConnectionKilledMidApplyIsReportedWithExactlyTheAppliedPart() throws Exception {
    List<String> addresses = new ArrayList<>();
    // enough chunks that the killer, polling /proc, sees the second one: with one shell per host a chunk
    // costs only the kernel's work, not a login shell's start
    for (int i = 1; i <= 12000; i++) {
      addresses.add(String.format("2001:db8:ab12:1::%x", i));
    }
    try (SshHost h = Host.ssh(target(), options())) {
      SshProxyNdp p = h.enableProxyNdp("tv0");
      // The killer watches /proc for the apply's ip -batch processes; on a quiet machine a chunk can
      // come and go between two looks, the apply then completes: flush and try again (3 times at most).
      ApplyException e = null;
      for (int attempt = 1; e == null; attempt++) {
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread killer = killDuringChunk(killed, 1, sessionRoots(), stop);
        try {
          p.proxyAll(addresses);
        } catch (ApplyException thrown) {
          e = thrown;
        }
        stop.set(true);
        killer.join(10_000);
        if (e == null) {
          assertTrue(attempt < 3, "the killer never caught a chunk under way in 3 applies");
          Ip.run(ns, "-6", "neigh", "flush", "proxy", "dev", "tv0");
          continue;
        }
        assertTrue(killed.get(), "the sessions were killed during the apply");
      }
      assertInstanceOf(SshException.class, e.getCause());
      assertEquals(Reason.CONNECTION_LOST, ((SshException) e.getCause()).reason(), e.getMessage());
      int inKernel = Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size();
      assertTrue(inKernel > 0 && inKernel < addresses.size(), "killed mid-apply: " + inKernel);
      assertEquals(inKernel, e.applied().size(), e.getMessage());
      assertEquals(addresses.size() - inKernel, e.notApplied().size(), e.getMessage());
      assertTrue(e.unknown().isEmpty(), e.getMessage());
      assertTrue(e.applied().stream().allMatch(c -> c.kind() == Change.Kind.ADDED && c.host().equals("docker1")));
      assertTrue(e.getMessage().contains(inKernel + " applied"), e.getMessage());
      // exactly those: every applied entry is in the kernel, in order from the first
      for (int i = 0; i < inKernel; i++) {
        assertEquals("proxy " + addresses.get(i) + " dev tv0", e.applied().get(i).object());
      }
      // the host reconnected and finishes the job idempotently
      List<Change> rest = p.proxyAll(addresses);
      assertEquals(inKernel, rest.stream().filter(c -> c.kind() == Change.Kind.UNCHANGED).count());
      assertEquals(addresses.size(), Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size());
    }
  }

  @Test
  void aServerKilledMidApplySaysWhatCouldNotBeChecked() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i <= 6000; i++) {
      addresses.add(String.format("2001:db8:ab12:2::%x", i));
    }
    try (SshHost h = Host.ssh(target(), options())) {
      SshProxyNdp p = h.enableProxyNdp("tv0");
      // The server goes first (its sessions live on), then the session under a chunk: the
      // connection is lost and cannot be made again to check.
      List<Long> roots = sessionRoots();
      Procs.kill(LabSsh.runningSshd(lab.name(), "docker1").orElseThrow());
      AtomicBoolean killed = new AtomicBoolean();
      Thread killer = killDuringChunk(killed, 1, roots, new AtomicBoolean());
      ApplyException e = assertThrows(ApplyException.class, () -> p.proxyAll(addresses));
      killer.join(10_000);
      assertTrue(killed.get());
      int inKernel = Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size();
      // what was confirmed is in the kernel; the chunk under way could not be checked
      assertFalse(e.unknown().isEmpty(), e.getMessage());
      assertTrue(e.applied().size() <= inKernel && inKernel <= e.applied().size() + e.unknown().size(),
          inKernel + " in the kernel: " + e.getMessage());
      assertEquals(addresses.size(), e.applied().size() + e.notApplied().size() + e.unknown().size());
      assertTrue(e.getMessage().contains("not known"), e.getMessage());
      // the next operation says plainly that the host cannot be reached
      SshException down = assertThrows(SshException.class, h::interfaces);
      assertEquals(Reason.UNREACHABLE, down.reason(), down.getMessage());
      assertTrue(down.getMessage().contains(host.managementAddress()), down.getMessage());
    }
  }

  /**
   * Kills the SSH sessions under {@code roots} while an {@code ip -batch} of the apply runs,
   * once at least {@code chunksDone} chunks have finished: the connection goes away under a
   * chunk, never between two.
   */
  private Thread killDuringChunk(AtomicBoolean killed, int chunksDone, List<Long> roots, AtomicBoolean stop) {
    Thread t = new Thread(() -> {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      java.util.Set<Long> seen = new java.util.HashSet<>();
      while (System.nanoTime() < deadline && !stop.get()) {
        List<Long> tree = new ArrayList<>();
        roots.forEach(r -> tree.addAll(Procs.withDescendants(r)));
        for (long pid : tree) {
          if (Procs.comm(pid).equals("ip") && Procs.cmdline(pid).contains("-batch") && seen.add(pid)
              && seen.size() > chunksDone) {
            tree.forEach(Procs::kill);
            killed.set(true);
            return;
          }
        }
      }
    }, "killer");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The per-connection sshd processes: the listener's children. */
  private List<Long> sessionRoots() {
    long listener = LabSsh.runningSshd(lab.name(), "docker1").orElseThrow();
    return ProcessHandle.of(listener).orElseThrow().children().map(ProcessHandle::pid).toList();
  }
}
