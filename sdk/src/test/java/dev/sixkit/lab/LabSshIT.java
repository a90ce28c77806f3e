package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.ChildJvm;
import dev.sixkit.SixkitException;
import dev.sixkit.host.Host;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lab's OpenSSH servers: what lab up --ssh makes (keys, known_hosts, one sshd per host on its
 * management address, reachable with OpenSSH's own client too), and that Lab.down removes all of
 * it even when the server was killed with its sessions still open, or the JVM that brought the
 * lab up died without a word.
 */
class LabSshIT {
  private static String name(String tag) {
    return tag + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
  }

  @Test
  void upMakesKeysAndServersAndDownRemovesThemEvenAfterTheServerWasKilled() throws Exception {
    Root.require();
    String lab = name("sxsk");
    try {
      Lab l = Lab.builder().engine(Engine.V20_10).name(lab).hosts(2).mode(Mode.ROUTED).ssh(true).up();
      assertTrue(l.ssh() && Lab.attach(lab).ssh());
      assertTrue(Lab.status(lab).get(0).endsWith(", ssh"), Lab.status(lab).toString());
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(LabSsh.clientKey(lab))));
      List<String> known = Files.readAllLines(LabSsh.knownHosts(lab));
      assertEquals(2, known.size(), known.toString());
      for (LabHost h : l.hosts()) {
        assertTrue(known.stream().anyMatch(k -> k.startsWith(h.managementAddress() + " ssh-ed25519 ")), known.toString());
        long pid = LabSsh.runningSshd(lab, h.name()).orElseThrow();
        assertEquals(List.of(pid), SshLabFixture.sshdIn(h.netns()), "one listener, in the host's namespace");
        // it listens on the management address only
        String ss = Ip.exec(h.netns(), "ss", "-Htln").out();
        assertTrue(ss.contains("[" + h.managementAddress() + "]:22"), ss);
        assertFalse(ss.contains("*:22") || ss.contains("0.0.0.0:22") || ss.contains("[::]:22"), ss);
        // OpenSSH's own client gets in with the lab's key and known_hosts, strict host key checking on
        Ip.Result r = Ip.exec(List.of("ssh", "-i", LabSsh.clientKey(lab).toString(), "-o", "BatchMode=yes", "-o",
            "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + LabSsh.knownHosts(lab), "-o",
            "ConnectTimeout=5", "root@" + h.managementAddress(), "cat", "/proc/sys/net/ipv6/conf/eth0/forwarding"));
        assertEquals(0, r.exit(), r.err());
      }

      // The crash: docker1's server dies, the session of an open Host lives on (as OpenSSH's do).
      LabHost d1 = l.host("docker1");
      Host open = l.connectSsh("docker1");
      assertFalse(open.interfaces().isEmpty());
      long listener = LabSsh.runningSshd(lab, "docker1").orElseThrow();
      Procs.kill(listener);
      Procs.awaitGone(List.of(listener), java.time.Duration.ofSeconds(5));
      List<Long> orphans = SshLabFixture.sshdIn(d1.netns());
      assertFalse(orphans.isEmpty(), "the session outlives its server");
      assertTrue(LabSsh.runningSshd(lab, "docker1").isEmpty());
      SixkitException again = org.junit.jupiter.api.Assertions.assertThrows(SixkitException.class,
          () -> LabSsh.startHost(lab, l.host("docker2")));
      assertTrue(again.getMessage().contains("already runs"), again.getMessage());

      List<String> removed = Lab.down(lab, LabProgress.silent());
      assertTrue(removed.stream().anyMatch(s -> s.startsWith("docker1: sshd stopped")), removed.toString());
      for (long p : orphans) {
        assertFalse(Procs.alive(p), "session " + p + " is gone");
      }
      open.close();
      assertFalse(Files.exists(LabSsh.dir(lab)));
      assertFalse(Files.exists(Lab.stateDir(lab)));
      assertTrue(Lab.namespaces(lab).isEmpty());
    } finally {
      Lab.down(lab, LabProgress.silent());
    }
  }

  @Test
  void downCleansUpAfterTheJvmThatBroughtTheLabUpDied() throws Exception {
    Root.require();
    String lab = name("sxsj");
    try {
      Process p = new ProcessBuilder(ChildJvm.java("-cp", System.getProperty("java.class.path"),
          LabSshIT.class.getName() + "$UpThenDie", lab)).redirectErrorStream(true)
          .redirectOutput(File.createTempFile("sixkit-labup", ".log")).start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM ended");
      assertEquals(137, p.exitValue(), "the child halted itself as if killed");
      long pid = LabSsh.runningSshd(lab, "docker1").orElseThrow(() -> new AssertionError("sshd left running"));
      assertTrue(Procs.alive(pid));

      Lab.down(lab, LabProgress.silent());
      assertFalse(Procs.alive(pid));
      assertFalse(Files.exists(Lab.stateDir(lab)));
      assertFalse(Netns.exists(lab + "-docker1"));
      for (long q : Procs.all()) {
        assertFalse(Procs.comm(q).equals("sshd") && Procs.cmdline(q).contains("/" + lab + "/"), Procs.cmdline(q));
      }
    } finally {
      Lab.down(lab, LabProgress.silent());
    }
  }

  /** Brings a lab up with --ssh, then halts the JVM at once: nothing is closed, no hook runs. */
  public static final class UpThenDie {
    public static void main(String[] args) {
      Lab.builder().engine(Engine.V20_10).name(args[0]).hosts(1).ssh(true).up();
      Runtime.getRuntime().halt(137);
    }
  }
}
