package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.host.Host;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.LabSsh;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code sixkit lab up --ssh}: the real CLI entry point brings a lab up with an OpenSSH server
 * per host, prints how to reach each, and {@code lab status} and {@code lab down} know about
 * them; the printed ssh command line works with OpenSSH's client.
 */
class LabSshCommandIT {
  static CliRun sixkit(String... args) {
    return CliRun.sixkit(args);
  }

  @Test
  void labUpWithSshPrintsWorkingCommandsAndDownRemovesTheServers() {
    Root.require();
    String lab = "sxsc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    try {
      CliRun up = sixkit("lab", "up", "--name", lab, "--hosts", "1", "--ssh", "--engine", "20.10");
      assertEquals(0, up.exit(), up.err() + up.out());
      assertTrue(up.out().contains("sshd listening on"), up.out());
      String line = up.out().lines().filter(l -> l.trim().startsWith("ssh -i ")).findFirst().orElseThrow();
      // the printed command, as a person would paste it, with a command to run
      List<String> cmd = new java.util.ArrayList<>(List.of(line.trim().split("\\s+\\(")[0].trim().split("\\s+")));
      cmd.addAll(1, List.of("-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"));
      cmd.addAll(List.of("ip", "-json", "link", "show", "eth0"));
      Ip.Result r = Ip.exec(cmd);
      assertEquals(0, r.exit(), cmd + ": " + r.err());
      assertTrue(r.out().contains("\"ifname\":\"eth0\""), r.out());

      CliRun status = sixkit("lab", "status", "--name", lab);
      assertTrue(status.out().lines().findFirst().orElseThrow().endsWith(", ssh"), status.out());
      try (Host h = Lab.attach(lab).connectSsh("docker1")) {
        assertEquals("docker1", h.name());
        assertFalse(h.docker().containers().isEmpty());
      }

      CliRun down = sixkit("lab", "down", "--name", lab);
      assertEquals(0, down.exit(), down.err());
      assertTrue(down.out().contains("docker1: sshd stopped"), down.out());
      assertFalse(Files.exists(LabSsh.dir(lab)));
      assertTrue(LabSsh.runningSshd(lab, "docker1").isEmpty());
    } finally {
      Lab.down(lab, LabProgress.silent());
    }
  }
}
