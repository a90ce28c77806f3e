package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.Change;
import dev.sixkit.ExecResult;
import dev.sixkit.Host;
import dev.sixkit.HostPlan;
import dev.sixkit.Mode;
import dev.sixkit.StaticRoute;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's routed recipe on a real lab: docker1's containers in 2001:db8:cd11::/64, docker2's in
 * 2001:db8:ef11::/64, a static route on each host to the other's prefix; HTTP both ways.
 */
class RoutedRecipeIT {
  private static Lab lab;

  @BeforeAll
  static void up() {
    Root.require();
    String name = "sxr" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().name(name).hosts(2).mode(Mode.ROUTED).progress(m -> System.out.println("lab: " + m)).up();
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
      assertTrue(Lab.namespaces(lab.name()).isEmpty(), "the lab's namespaces must be gone");
    }
  }

  @Test
  void staticRoutesBothWaysMakeHttpWork() {
    try (Host docker1 = lab.connect("docker1"); Host docker2 = lab.connect("docker2")) {
      String web1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
      String web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();
      assertTrue(web1.startsWith("2001:db8:cd11:"), web1);
      assertTrue(web2.startsWith("2001:db8:ef11:"), web2);

      ExecResult before = docker1.docker().exec("web1", "wget", "-qO-", "http://[" + web2 + "]/");
      assertFalse(before.ok(), "without routes web1 cannot reach web2: " + before);

      // The plan's routes, applied through the Host API.
      for (HostPlan hp : lab.plan().hosts()) {
        Host h = hp.host().equals("docker1") ? docker1 : docker2;
        for (StaticRoute r : hp.routes()) {
          Change c = h.route(r.destination().toCanonicalString()).via(r.via().toCanonicalString()).dev(r.device()).add();
          assertEquals(Change.Kind.ADDED, c.kind(), c.toString());
          Change again = h.route(r.destination().toCanonicalString()).via(r.via().toCanonicalString()).dev(r.device()).add();
          assertEquals(Change.Kind.UNCHANGED, again.kind(), again.toString());
        }
      }
      JsonNode r1 = Ip.json(lab.host("docker1").netns(), "-6", "route", "show", "2001:db8:ef11::/64");
      assertEquals("2001:db8:ab11::2", r1.get(0).get("gateway").asText());
      JsonNode r2 = Ip.json(lab.host("docker2").netns(), "-6", "route", "show", "2001:db8:cd11::/64");
      assertEquals("2001:db8:ab11::1", r2.get(0).get("gateway").asText());

      ExecResult to2 = docker1.docker().exec("web1", "wget", "-qO-", "http://[" + web2 + "]/");
      assertTrue(to2.ok() && to2.stdout().contains("Web Server #2"), to2.toString());
      ExecResult to1 = docker2.docker().exec("web2", "wget", "-qO-", "http://[" + web1 + "]/");
      assertTrue(to1.ok() && to1.stdout().contains("Web Server #1"), to1.toString());

      // delete is idempotent too, and takes the route away
      assertEquals(Change.Kind.REMOVED, docker1.route("2001:db8:ef11::/64").via("2001:db8:ab11::2").delete().kind());
      assertEquals(Change.Kind.UNCHANGED, docker1.route("2001:db8:ef11::/64").via("2001:db8:ab11::2").delete().kind());
      assertEquals(0, Ip.json(lab.host("docker1").netns(), "-6", "route", "show", "2001:db8:ef11::/64").size());
    }
  }
}
