package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.Change;
import dev.sixkit.ExecResult;
import dev.sixkit.Host;
import dev.sixkit.Mode;
import dev.sixkit.Prefixes;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed's NDP proxy recipe on a real lab: two namespaces with their own dockerd, the shared
 * /64 split into /66s. Before: web2 cannot reach web1 and docker2's neighbour entry for web1 is
 * unresolved. After proxy_ndp and one proxy entry per container: ping6 and HTTP answer. Removing
 * one entry breaks that direction again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NdpProxyRecipeIT {
  private static Lab lab;
  private static Host docker1;
  private static Host docker2;
  private static String web1;
  private static String web2;

  @BeforeAll
  static void up() {
    Root.require();
    String name = "sxn" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().name(name).hosts(2).mode(Mode.NDP_PROXY).progress(m -> System.out.println("lab: " + m)).up();
    docker1 = lab.connect("docker1");
    docker2 = lab.connect("docker2");
    web1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
    web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();
  }

  @AfterAll
  static void down() {
    String name = lab == null ? null : lab.name();
    try {
      if (docker1 != null) {
        docker1.close();
      }
      if (docker2 != null) {
        docker2.close();
      }
    } finally {
      if (name != null) {
        Lab.down(name, LabProgress.silent());
        assertTrue(Lab.namespaces(name).isEmpty(), "the lab's namespaces must be gone");
      }
    }
  }

  static ExecResult ping(Host from, String container, String to) {
    return from.docker().exec(container, "ping6", "-c", "2", "-W", "2", to);
  }

  static ExecResult http(Host from, String container, String to) {
    return from.docker().exec(container, "wget", "-qO-", "http://[" + to + "]/");
  }

  @Test
  @Order(1)
  void containersGetAddressesFromTheirHostsSlash66() {
    assertEquals("2001:db8:ab11:0:8000::/66", lab.host("docker1").dockerPrefix());
    assertEquals("2001:db8:ab11:0:c000::/66", lab.host("docker2").dockerPrefix());
    assertTrue(Prefixes.contains(Prefixes.prefix("2001:db8:ab11:0:8000::/66"), Prefixes.address(web1)), web1);
    assertTrue(Prefixes.contains(Prefixes.prefix("2001:db8:ab11:0:c000::/66"), Prefixes.address(web2)), web2);
    // The address the Engine API reports is the one the container really has.
    assertTrue(docker1.docker().exec("web1", "ip", "-6", "addr", "show", "dev", "eth0").stdout().contains(web1));
  }

  @Test
  @Order(2)
  void beforeTheRecipeWeb2CannotReachWeb1AndTheNeighbourIsUnresolved() {
    ExecResult r = ping(docker2, "web2", web1);
    assertFalse(r.ok(), "ping6 must fail before the recipe: " + r);
    List<Neighbour> unresolved = docker2.neighbours().dev("eth0").address(web1).unresolved().list();
    assertEquals(1, unresolved.size(), "docker2's entry for web1 is INCOMPLETE or FAILED: " + docker2.neighbours().list());
    JsonNode ip = Ip.json(lab.host("docker2").netns(), "-6", "neigh", "show", "to", web1, "dev", "eth0");
    assertEquals(unresolved.get(0).state().name(), ip.get(0).get("state").get(0).asText());
  }

  @Test
  @Order(3)
  void theRecipeMakesPingAndHttpWork() {
    List<Change> changes = new ArrayList<>();
    Host.ProxyNdp p1 = docker1.enableProxyNdp("eth0");
    Host.ProxyNdp p2 = docker2.enableProxyNdp("eth0");
    changes.addAll(p1.enabled());
    changes.add(p1.proxy(web1));
    changes.add(p2.proxy(web2));
    assertTrue(changes.stream().allMatch(Change::changed), changes.toString());
    // idempotent: the same calls again change nothing
    assertFalse(docker1.enableProxyNdp("eth0").enabled().get(0).changed());
    assertEquals(Change.Kind.UNCHANGED, p1.proxy(web1).kind());

    for (LabHost h : lab.hosts()) {
      String sysctl = Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.conf.eth0.proxy_ndp").out().trim();
      assertEquals("1", sysctl, h.name());
    }
    JsonNode proxies = Ip.json(lab.host("docker1").netns(), "-6", "neigh", "show", "proxy");
    assertEquals(1, proxies.size(), proxies.toString());
    assertEquals(web1, proxies.get(0).get("dst").asText());
    assertEquals("eth0", proxies.get(0).get("dev").asText());

    ExecResult r = ping(docker2, "web2", web1);
    assertTrue(r.ok(), "ping6 web2 -> web1 after the recipe: " + r);
    ExecResult page = http(docker2, "web2", web1);
    assertTrue(page.ok() && page.stdout().contains("Web Server #1"), page.toString());
    ExecResult back = http(docker1, "web1", web2);
    assertTrue(back.ok() && back.stdout().contains("Web Server #2"), back.toString());
  }

  @Test
  @Order(4)
  void removingOneEntryBreaksThatDirectionAgain() {
    Change c = docker1.proxyNdp("eth0").unproxy(web1);
    assertEquals(Change.Kind.REMOVED, c.kind());
    assertEquals(Change.Kind.UNCHANGED, docker1.proxyNdp("eth0").unproxy(web1).kind());
    assertEquals(0, Ip.json(lab.host("docker1").netns(), "-6", "neigh", "show", "proxy").size());
    // docker2 still caches web1's link-layer address; let it forget, as it would once the entry ages out.
    Ip.run(lab.host("docker2").netns(), "-6", "neigh", "flush", "to", web1);
    ExecResult r = ping(docker2, "web2", web1);
    assertFalse(r.ok(), "without docker1's proxy entry web1 is unreachable again: " + r);
    // The other direction's entry is untouched.
    assertEquals(1, Ip.json(lab.host("docker2").netns(), "-6", "neigh", "show", "proxy").size());
    assertTrue(Netns.exists(lab.host("docker2").netns()));
  }
}
