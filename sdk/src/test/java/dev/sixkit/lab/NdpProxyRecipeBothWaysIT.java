package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.docker.Docker;
import dev.sixkit.host.Change;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.host.SshHost;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NudState;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.plan.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed's NDP proxy recipe through the Host API, once through the lab hosts' namespaces and
 * once over their OpenSSH servers (Docker included: exec in the web containers goes over SSH
 * too). Each run: web2 cannot reach web1 and docker2's neighbour entry for web1 is unresolved;
 * proxy_ndp and one proxy entry per container make ping6 and HTTP work both ways; removing
 * docker1's entry breaks that direction again; undoing the rest restores the starting state.
 * Then: the changes reported and the kernel state after applying (ip -json) are identical both
 * ways. Once per engine: on 28 the containers run on networks in routed gateway mode (its
 * default bridge drops traffic from other hosts, see {@link SeedRecipeOn28IT}).
 */
@ParameterizedClass(name = "engine {0}")
@MethodSource("dev.sixkit.lab.Engines#all")
class NdpProxyRecipeBothWaysIT extends RecipeBothWays {
  NdpProxyRecipeBothWaysIT() {
    super("sxsn", Mode.NDP_PROXY, "the recipe");
  }

  /** 28: web1 and web2 on routed networks in the /66 the split leaves unused, one /67 per host. */
  @Override
  void onRoutedNetworks(Docker docker1, Docker docker2) {
    moveToRoutedNetwork(docker1, "web1", 1, "2001:db8:ab11:0:4000::/67");
    moveToRoutedNetwork(docker2, "web2", 2, "2001:db8:ab11:0:6000::/67");
  }

  static ExecResult ping(Host from, String container, String to) {
    return from.docker().exec(container, "ping6", "-c", "2", "-W", "2", to);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static ExecResult http(Host from, String container, String to) {
    return from.docker().exec(container, "wget", "-qO-", "http://[" + to + "]/");
  }

  @ParameterizedTest
  @EnumSource(Via.class)
  @Order(1)
  void theRecipeWorksAndUndoes(Via via) {
    try (Host docker1 = open(via, "docker1"); Host docker2 = open(via, "docker2")) {
      assertEquals(via == Via.SSH, docker1 instanceof SshHost);
      String web1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
      String web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();

      // before
      ExecResult r = ping(docker2, "web2", web1);
      assertFalse(r.ok(), "ping6 must fail before the recipe: " + r);
      List<Neighbour> unresolved = docker2.neighbours().dev("eth0").address(web1).unresolved().list();
      assertEquals(1, unresolved.size(), "docker2's entry for web1 is INCOMPLETE or FAILED: "
          + docker2.neighbours().list());
      // INCOMPLETE turns FAILED once the kernel's probes run out: compare with ip once it holds still.
      long until = System.nanoTime() + 15_000_000_000L;
      while (unresolved.get(0).state() != NudState.FAILED && System.nanoTime() < until) {
        sleep(200);
        unresolved = docker2.neighbours().dev("eth0").address(web1).unresolved().list();
        assertEquals(1, unresolved.size(), "docker2's entry for web1 stays unresolved: " + unresolved);
      }
      JsonNode ip = Ip.json(lab.host("docker2").netns(), "-6", "neigh", "show", "to", web1, "dev", "eth0");
      assertEquals(unresolved.get(0).state().name(), ip.get(0).get("state").get(0).asText());

      // the recipe
      List<Change> made = new ArrayList<>();
      Host.ProxyNdp p1 = docker1.enableProxyNdp("eth0");
      Host.ProxyNdp p2 = docker2.enableProxyNdp("eth0");
      made.addAll(p1.enabled());
      made.addAll(p2.enabled());
      made.add(p1.proxy(web1));
      made.add(p2.proxy(web2));
      assertTrue(made.stream().allMatch(Change::changed), made.toString());
      assertFalse(docker1.enableProxyNdp("eth0").enabled().get(0).changed());
      assertEquals(Change.Kind.UNCHANGED, p1.proxy(web1).kind());
      applied(via, made);

      for (LabHost h : lab.hosts()) {
        assertEquals("1", Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.conf.eth0.proxy_ndp").out().trim(), h.name());
      }
      JsonNode proxies = Ip.json(lab.host("docker1").netns(), "-6", "neigh", "show", "proxy");
      assertEquals(1, proxies.size(), proxies.toString());
      assertEquals(web1, proxies.get(0).get("dst").asText());
      assertEquals(List.of(web1), docker1.proxyNdp("eth0").entries().stream()
          .map(n -> dev.sixkit.netlink.IpAddresses.format(n.address())).toList());

      ExecResult ok = ping(docker2, "web2", web1);
      assertTrue(ok.ok(), "ping6 web2 -> web1 after the recipe: " + ok);
      ExecResult page = http(docker2, "web2", web1);
      assertTrue(page.ok() && page.stdout().contains("Web Server #1"), page.toString());
      ExecResult back = http(docker1, "web1", web2);
      assertTrue(back.ok() && back.stdout().contains("Web Server #2"), back.toString());

      // removing docker1's entry breaks that direction again
      assertEquals(Change.Kind.REMOVED, docker1.proxyNdp("eth0").unproxy(web1).kind());
      assertEquals(Change.Kind.UNCHANGED, docker1.proxyNdp("eth0").unproxy(web1).kind());
      assertEquals(0, Ip.json(lab.host("docker1").netns(), "-6", "neigh", "show", "proxy").size());
      Ip.run(lab.host("docker2").netns(), "-6", "neigh", "flush", "to", web1);
      ExecResult broken = ping(docker2, "web2", web1);
      assertFalse(broken.ok(), "without docker1's proxy entry web1 is unreachable again: " + broken);

      // undo the rest: the hosts are as they were before
      assertEquals(Change.Kind.REMOVED, docker2.proxyNdp("eth0").unproxy(web2).kind());
      assertEquals(Change.Kind.CHANGED, docker1.sysctl("net.ipv6.conf.eth0.proxy_ndp", "0").kind());
      assertEquals(Change.Kind.CHANGED, docker2.sysctl("net.ipv6.conf.eth0.proxy_ndp", "0").kind());
      for (LabHost h : lab.hosts()) {
        Ip.run(h.netns(), "-6", "neigh", "flush", "dev", "eth0");
      }
      KernelSnapshot.assertSame(initial, KernelSnapshot.of(lab), "after undoing, via " + via);
    }
  }
}
