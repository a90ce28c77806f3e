package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Container;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.plan.Mode;
import dev.sixkit.SixkitException;
import dev.sixkit.firewall.Firewall;
import dev.sixkit.firewall.Rule;
import dev.sixkit.firewall.Verdict;
import dev.sixkit.netlink.testing.Root;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The lab's engines on real daemons: each engine's hosts report its version, a paused container
 * does not stop {@code lab down}, {@code up} over an existing lab refuses (or replaces it), and on
 * Docker 28 with only the seed's steps applied the packet filter reader names the rule that drops
 * the ping.
 */
class LabEnginesIT {
  private static String name(String prefix) {
    return prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
  }

  @EngineSource
  void statusShowsTheEngine_andDownTakesAPausedContainer(Engine engine) throws Exception {
    Root.require();
    String name = name("sxg");
    try {
      Lab lab = Lab.builder().engine(engine).name(name).hosts(1).mode(Mode.NDP_PROXY).up();
      assertEquals(engine, Lab.attach(name).engine(), "the lab records its engine");
      List<String> status = Lab.status(name);
      assertTrue(status.get(0).contains("engine " + engine.name()), status.toString());
      assertTrue(status.get(1).contains("engine " + engine.name() + "."), "version from /version: " + status);

      // issue 13 item 10: up on a running lab refuses and changes nothing
      SixkitException e = assertThrows(SixkitException.class,
          () -> Lab.builder().engine(engine).name(name).hosts(1).up());
      assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("--replace"), e.getMessage());
      try (Host h = lab.connect("docker1")) {
        assertTrue(h.docker().container("web1").running(), "the refused up left the lab alone");
      }

      String endpoint = lab.host("docker1").dockerEndpoint();
      assertTrue(RawEngineApi.post(endpoint, "/containers/web1/pause").contains(" 204"), "paused");
      try (Host h = lab.connect("docker1")) {
        assertEquals("paused", h.docker().container("web1").state());
      }
      List<String> removed = Lab.down(name, LabProgress.silent());
      assertFalse(removed.isEmpty());
      assertFalse(Lab.exists(name), "nothing of the lab is left: " + Lab.namespaces(name));
      assertFalse(Files.exists(HostDirs.VAR_ROOT.resolve(name)));
    } finally {
      if (Lab.exists(name)) {
        Lab.down(name, LabProgress.silent());
      }
    }
  }

  @Test
  void docker28_seedStepsOnly_theFirewallNamesTheRawDropRule() {
    Root.require();
    String name = name("sxf");
    try {
      Lab.builder().engine(Engine.V28).name(name).hosts(2).mode(Mode.NDP_PROXY).up();
      // --replace: the same name comes up fresh (a new web1), not refused
      Lab lab = Lab.builder().engine(Engine.V28).name(name).hosts(2).mode(Mode.NDP_PROXY).replace(true).up();
      try (Host docker1 = lab.connect("docker1"); Host docker2 = lab.connect("docker2")) {
        Container web1 = docker1.docker().container("web1");
        String a1 = web1.ipv6().orElseThrow().toCanonicalString();
        String a2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();
        // The seed's steps, exactly: proxy_ndp and one proxy entry per container on its own host.
        docker1.enableProxyNdp("eth0").proxy(a1);
        docker2.enableProxyNdp("eth0").proxy(a2);
        ExecResult ping = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "2", a1);
        assertFalse(ping.ok(), "Docker 28's packet filter drops it: " + ping.stdout());

        Verdict v = Firewall.read(docker1).verdict("eth0", a1);
        assertTrue(v.dropped(), v.describe());
        Rule r = v.by().orElseThrow();
        assertEquals("raw", r.table());
        assertEquals("PREROUTING", r.chain());
        assertEquals("-A PREROUTING -d " + a1 + "/128 ! -i docker0 -j DROP", r.text());
        assertTrue(r.packets() >= 2, "its counter counts the pings: " + r);
        // From docker0 itself the same address is reachable.
        assertTrue(Firewall.read(docker1).verdict(new dev.sixkit.firewall.Packet("docker0", "docker0",
            java.net.InetAddress.getByName(a1), "ipv6-icmp", java.util.OptionalInt.empty())).passes());
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError(e);
      }
    } finally {
      if (Lab.exists(name)) {
        Lab.down(name, LabProgress.silent());
      }
    }
  }

  @Test
  void docker20_10_hasNoFilterOnTheWay() {
    Root.require();
    String name = name("sxh");
    try (Lab lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(1).mode(Mode.NDP_PROXY).up();
        Host docker1 = lab.connect("docker1")) {
      String a1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
      Verdict v = Firewall.read(docker1).verdict("eth0", a1);
      assertTrue(v.passes(), v.describe());
    }
  }
}
