package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.firewall.Firewall;
import dev.sixkit.firewall.Rule;
import dev.sixkit.firewall.Verdict;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The seed's NDP proxy recipe on Docker 28 (issue 10), on one real two-host lab: the seed's
 * steps alone (proxy_ndp and one proxy entry per container) leave ping6 failing, and the packet
 * filter reader names the engine's rule that drops it (raw PREROUTING, with its counter); the fix
 * (an IPv6 network in routed gateway mode per host, in the /66 the split leaves unused, a web
 * container on it with port 80 published, its proxy entry) makes ping6 and HTTP answer both ways;
 * taking it all away restores the hosts' kernel state. The 20.10 runs of the recipe stay in
 * {@link NdpProxyRecipeBothWaysIT}.
 */
class SeedRecipeOn28IT {
  // Both recipes of the seed, each on its own 28 lab (about 30 s each here).
  private static final String[] SUBNETS = {"2001:db8:ab11:0:4000::/67", "2001:db8:ab11:0:6000::/67"};

  private static ExecResult ping(Host from, String container, String to) {
    return from.docker().exec(container, "ping6", "-c", "2", "-W", "2", to);
  }

  private static ExecResult http(Host from, String container, String to) {
    return from.docker().exec(container, "wget", "-qO-", "http://[" + to + "]/");
  }

  @Test
  void seedStepsAloneAreDropped_theFirewallNamesTheRule_aRoutedNetworkFixesIt() {
    Root.require();
    String name = "sxs28" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    try (Lab lab = Lab.builder().engine(Engine.V28).name(name).hosts(2).mode(Mode.NDP_PROXY).up();
        Host docker1 = lab.connect("docker1"); Host docker2 = lab.connect("docker2")) {
      Map<String, String> initial = KernelSnapshot.of(lab);
      String web1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
      String web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();

      // the seed's steps alone
      docker1.enableProxyNdp("eth0").proxy(web1);
      docker2.enableProxyNdp("eth0").proxy(web2);
      ExecResult dropped = ping(docker2, "web2", web1);
      assertFalse(dropped.ok(), "on 28 the seed's steps alone do not reach the default bridge: " + dropped);
      Verdict v = Firewall.read(docker1).verdict("eth0", web1);
      assertTrue(v.dropped(), v.describe());
      Rule rule = v.by().orElseThrow();
      assertEquals("raw", rule.table(), v.describe());
      assertEquals("PREROUTING", rule.chain(), v.describe());
      assertTrue(rule.text().contains(web1) && rule.text().contains("DROP"), rule.toString());
      assertTrue(rule.packets() > 0, "the rule's counter counts the pings: " + rule);

      // the fix: a network in routed gateway mode, a web container on it with port 80 published
      String[] addr = new String[2];
      Host[] hosts = {docker1, docker2};
      for (int i = 0; i < 2; i++) {
        Docker d = hosts[i].docker();
        DockerNetwork n = d.newNetwork("routed6").ipv6().subnet(SUBNETS[i])
            .option(DockerNetwork.GATEWAY_MODE_IPV6, "routed").create();
        assertEquals("routed", d.network(n.name()).ipv6GatewayMode());
        d.newContainer("web" + (i + 1) + "r").image(WebImage.REFERENCE)
            .command(WebImage.command("Web Server #" + (i + 1) + " (routed)").toArray(String[]::new))
            .network("routed6").publish(80, 80).stopTimeout(Duration.ofSeconds(1)).start();
        addr[i] = d.container("web" + (i + 1) + "r").ipv6().orElseThrow().toCanonicalString();
        hosts[i].proxyNdp("eth0").proxy(addr[i]);
      }
      assertTrue(Firewall.read(docker1).verdict("eth0", addr[0]).passes());
      ExecResult ok = ping(docker2, "web2r", addr[0]);
      assertTrue(ok.ok(), "ping6 web2r -> web1r on the routed networks: " + ok);
      assertTrue(ping(docker1, "web1r", addr[1]).ok(), "ping6 web1r -> web2r");
      ExecResult page = http(docker2, "web2r", addr[0]);
      assertTrue(page.ok() && page.stdout().contains("Web Server #1"), page.toString());
      ExecResult back = http(docker1, "web1r", addr[1]);
      assertTrue(back.ok() && back.stdout().contains("Web Server #2"), back.toString());

      // take it all away: the hosts are as they were
      for (int i = 0; i < 2; i++) {
        Docker d = hosts[i].docker();
        d.remove("web" + (i + 1) + "r");
        d.removeNetwork("routed6");
        hosts[i].proxyNdp("eth0").unproxy(addr[i]);
        hosts[i].proxyNdp("eth0").unproxy(i == 0 ? web1 : web2);
        hosts[i].sysctl("net.ipv6.conf.eth0.proxy_ndp", "0");
      }
      for (LabHost h : lab.hosts()) {
        Ip.run(h.netns(), "-6", "neigh", "flush", "dev", "eth0");
      }
      KernelSnapshot.assertSame(initial, KernelSnapshot.of(lab), "after taking the fix away");
    } finally {
      if (Lab.exists(name)) {
        Lab.down(name, LabProgress.silent());
      }
    }
  }

  /**
   * The routed recipe on 28: the static routes alone leave ping6 to the default bridge dropped (the
   * filter names the rule); networks in routed gateway mode on prefixes of their own, routed the
   * same way, make ping6 and HTTP answer both ways.
   */
  @Test
  void routedRecipe_staticRoutesAloneAreDropped_aRoutedNetworkFixesIt() {
    Root.require();
    String name = "sxr28" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    String[] prefixes = {"2001:db8:cd12::/64", "2001:db8:ef12::/64"};
    String[] underlay = {"2001:db8:ab11::1", "2001:db8:ab11::2"};
    try (Lab lab = Lab.builder().engine(Engine.V28).name(name).hosts(2).mode(Mode.ROUTED).up();
        Host docker1 = lab.connect("docker1"); Host docker2 = lab.connect("docker2")) {
      Map<String, String> initial = KernelSnapshot.of(lab);
      Host[] hosts = {docker1, docker2};
      String web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();

      // the seed's step alone: static routes to each other's default-bridge prefix
      docker1.route("2001:db8:ef11::/64").via(underlay[1]).dev("eth0").add();
      docker2.route("2001:db8:cd11::/64").via(underlay[0]).dev("eth0").add();
      ExecResult dropped = ping(docker1, "web1", web2);
      assertFalse(dropped.ok(), "on 28 the routes alone do not reach the default bridge: " + dropped);
      Verdict v = Firewall.read(docker2).verdict("eth0", web2);
      assertTrue(v.dropped(), v.describe());
      assertTrue(v.by().orElseThrow().text().contains("DROP"), v.describe());

      // the fix: a routed network per host on a prefix of its own, routed like the recipe's
      String[] addr = new String[2];
      for (int i = 0; i < 2; i++) {
        Docker d = hosts[i].docker();
        d.newNetwork("routed6").ipv6().subnet(prefixes[i]).option(DockerNetwork.GATEWAY_MODE_IPV6, "routed").create();
        d.newContainer("web" + (i + 1) + "r").image(WebImage.REFERENCE)
            .command(WebImage.command("Web Server #" + (i + 1) + " (routed)").toArray(String[]::new))
            .network("routed6").publish(80, 80).stopTimeout(Duration.ofSeconds(1)).start();
        addr[i] = d.container("web" + (i + 1) + "r").ipv6().orElseThrow().toCanonicalString();
        hosts[1 - i].route(prefixes[i]).via(underlay[i]).dev("eth0").add();
      }
      assertTrue(ping(docker2, "web2r", addr[0]).ok(), "ping6 web2r -> web1r");
      assertTrue(ping(docker1, "web1r", addr[1]).ok(), "ping6 web1r -> web2r");
      ExecResult page = http(docker2, "web2r", addr[0]);
      assertTrue(page.ok() && page.stdout().contains("Web Server #1"), page.toString());
      ExecResult back = http(docker1, "web1r", addr[1]);
      assertTrue(back.ok() && back.stdout().contains("Web Server #2"), back.toString());

      // take it all away: the hosts are as they were
      for (int i = 0; i < 2; i++) {
        Docker d = hosts[i].docker();
        d.remove("web" + (i + 1) + "r");
        d.removeNetwork("routed6");
        hosts[1 - i].route(prefixes[i]).via(underlay[i]).dev("eth0").delete();
      }
      docker1.route("2001:db8:ef11::/64").via(underlay[1]).dev("eth0").delete();
      docker2.route("2001:db8:cd11::/64").via(underlay[0]).dev("eth0").delete();
      KernelSnapshot.assertSame(initial, KernelSnapshot.of(lab), "after taking the fix away");
    } finally {
      if (Lab.exists(name)) {
        Lab.down(name, LabProgress.silent());
      }
    }
  }
}
