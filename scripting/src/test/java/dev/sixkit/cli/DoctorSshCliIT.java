package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.lab.HostDirs;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.LabSsh;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code sixkit doctor} on hosts reached over SSH (a lab with an OpenSSH server per host): the
 * same verdict and fixes as through the namespaces, sockets listed with ss; the sync, which needs
 * netlink on the host itself, offers no SSH options.
 */
class DoctorSshCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Lab lab;
  private static String web1;

  static CliRun sixkit(String... args) {
    return CliRun.sixkit(args);
  }

  @BeforeAll
  static void up() {
    Root.require();
    String name = "sxds" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(2).mode(Mode.NDP_PROXY).ssh(true).up();
    try (var d = dev.sixkit.docker.Docker.connect(lab.host("docker1").dockerEndpoint())) {
      web1 = d.container("web1").ipv6().orElseThrow().toCanonicalString();
    }
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
    }
  }

  private static JsonNode reach(String... how) throws Exception {
    List<String> a = new ArrayList<>(List.of("doctor", "--to", web1, "--from", "web2", "--json"));
    a.addAll(List.of(how));
    CliRun r = sixkit(a.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err() + r.out());
    return JSON.readTree(r.out()).get("reach");
  }

  @Test
  void overSshTheVerdictAndFixesAreTheOnesThroughTheNamespaces() throws Exception {
    JsonNode viaNetns = reach("--lab", lab.name(), "--host", "docker2");
    JsonNode viaSsh = reach("--lab", lab.name(), "--host", "docker2", "--via-ssh");
    assertEquals("NEEDS_NDP_PROXY", viaNetns.get("verdict").asText(), viaNetns.toString());
    assertEquals(viaNetns.get("verdict"), viaSsh.get("verdict"));
    assertEquals(viaNetns.get("fixes"), viaSsh.get("fixes"));
  }

  @Test
  void aPlainSshTargetListsSocketsAndExposure() throws Exception {
    LabHost h2 = lab.host("docker2");
    CliRun r = sixkit("doctor", "--ssh", LabSsh.target(h2), "--identity", LabSsh.clientKey(lab.name()).toString(),
        "--known-hosts", LabSsh.knownHosts(lab.name()).toString(), "--docker",
        HostDirs.of(lab.name(), "docker2").socket().toString(), "--exposure", "--json");
    assertEquals(0, r.exit(), r.err() + r.out());
    JsonNode e = JSON.readTree(r.out()).get("exposure");
    assertTrue(e.get("listeners").findValuesAsText("command").contains("sshd"), e.toString());
    List<String> fully = new ArrayList<>();
    e.get("containers").forEach(c -> {
      if (c.get("fullyExposed").asBoolean()) {
        fully.add(c.get("container").asText());
      }
    });
    assertEquals(List.of("web2"), fully, e.toString());
    // the same listeners the namespace host reads through sock_diag
    try (var k = lab.connect("docker2")) {
      assertEquals(k.listeningSockets().size(), e.get("listeners").size(), e.toString());
    }
  }

  @Test
  void theSyncHasNoSshOptions() {
    // it needs netlink and Docker's events on the host itself: the options are not offered at all
    CliRun r = sixkit("ndp", "sync", "--lab", lab.name(), "--host", "docker1", "--via-ssh", "--once");
    assertEquals(Main.USAGE, r.exit(), r.out());
    assertTrue(r.err().contains("Unknown option: '--via-ssh'"), r.err());
  }
}
