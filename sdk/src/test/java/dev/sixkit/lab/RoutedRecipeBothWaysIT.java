package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.host.Change;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.host.SshHost;
import dev.sixkit.host.StaticRoute;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.plan.HostPlan;
import dev.sixkit.plan.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed's routed recipe through the Host API, once through the namespaces and once over SSH:
 * docker1's containers in 2001:db8:cd11::/64, docker2's in 2001:db8:ef11::/64; without routes
 * web1 cannot reach web2; the plan's static routes make HTTP work both ways; deleting them
 * restores the starting state. The changes and the kernel state after applying are identical
 * both ways. On 20.10 only: its containers must be in the plan's /64s, which are the default
 * bridges' --fixed-cidr-v6 on 28, where a routed network overlapping them is refused; the routed
 * recipe on 28 is {@link SeedRecipeOn28IT#routedRecipe_staticRoutesAloneAreDropped_aRoutedNetworkFixesIt()}.
 */
@ParameterizedClass(name = "engine {0}")
@ValueSource(strings = "20.10")
class RoutedRecipeBothWaysIT extends RecipeBothWays {
  RoutedRecipeBothWaysIT() {
    super("sxsr", Mode.ROUTED, "the routes");
  }

  @ParameterizedTest
  @EnumSource(Via.class)
  @Order(1)
  void staticRoutesBothWaysMakeHttpWork(Via via) {
    try (Host docker1 = open(via, "docker1"); Host docker2 = open(via, "docker2")) {
      assertEquals(via == Via.SSH, docker1 instanceof SshHost);
      String web1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
      String web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();
      assertTrue(web1.startsWith("2001:db8:cd11:"), web1);
      assertTrue(web2.startsWith("2001:db8:ef11:"), web2);

      ExecResult before = docker1.docker().exec("web1", "wget", "-qO-", "http://[" + web2 + "]/");
      assertFalse(before.ok(), "without routes web1 cannot reach web2: " + before);

      List<Change> made = new ArrayList<>();
      for (HostPlan hp : lab.plan().hosts()) {
        Host h = hp.host().equals("docker1") ? docker1 : docker2;
        for (StaticRoute r : hp.routes()) {
          Change c = h.route(r.destination().toCanonicalString()).via(r.via().toCanonicalString()).dev(r.device()).add();
          assertEquals(Change.Kind.ADDED, c.kind(), c.toString());
          made.add(c);
          Change again = h.route(r.destination().toCanonicalString()).via(r.via().toCanonicalString()).dev(r.device())
              .add();
          assertEquals(Change.Kind.UNCHANGED, again.kind(), again.toString());
        }
      }
      applied(via, made);
      JsonNode r1 = Ip.json(lab.host("docker1").netns(), "-6", "route", "show", "2001:db8:ef11::/64");
      assertEquals("2001:db8:ab11::2", r1.get(0).get("gateway").asText());
      JsonNode r2 = Ip.json(lab.host("docker2").netns(), "-6", "route", "show", "2001:db8:cd11::/64");
      assertEquals("2001:db8:ab11::1", r2.get(0).get("gateway").asText());
      assertEquals("2001:db8:ab11::2", dev.sixkit.netlink.IpAddresses.format(docker1.routeTo(web2).gateway()));

      ExecResult to2 = docker1.docker().exec("web1", "wget", "-qO-", "http://[" + web2 + "]/");
      assertTrue(to2.ok() && to2.stdout().contains("Web Server #2"), to2.toString());
      ExecResult to1 = docker2.docker().exec("web2", "wget", "-qO-", "http://[" + web1 + "]/");
      assertTrue(to1.ok() && to1.stdout().contains("Web Server #1"), to1.toString());

      // delete is idempotent too, and takes the routes away: the hosts are as they were
      assertEquals(Change.Kind.REMOVED, docker1.route("2001:db8:ef11::/64").via("2001:db8:ab11::2").delete().kind());
      assertEquals(Change.Kind.UNCHANGED, docker1.route("2001:db8:ef11::/64").via("2001:db8:ab11::2").delete().kind());
      assertEquals(0, Ip.json(lab.host("docker1").netns(), "-6", "route", "show", "2001:db8:ef11::/64").size());
      assertEquals(Change.Kind.REMOVED, docker2.route("2001:db8:cd11::/64").via("2001:db8:ab11::1").delete().kind());
      KernelSnapshot.assertSame(initial, KernelSnapshot.of(lab), "after undoing, via " + via);
    }
  }
}
