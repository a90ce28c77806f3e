package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.WebImage;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.Step;
import dev.sixkit.plan.VerifyReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 on Docker 28, through the language: each host declares {@code network 'web6'} (an
 * IPv6 network in routed gateway mode inside its planned prefix), in NDP proxy mode and in routed
 * mode. plan() has no problem (the declared network resolves the engine's filter) and lists the
 * network as a step; apply() creates it; a web container started on it with port 80 published
 * (what an operator does: routed mode lets in ICMPv6 and published ports) gets its proxy entry
 * from a second apply (NDP proxy); verify() pings and fetches the page both ways between the hosts;
 * undo() refuses to remove a network that still has containers, naming them, and once they are
 * gone leaves `ip -json` of every host and the engine's networks as before.
 */
class DslRoutedNetworkIT {
  @TempDir
  Path tmp;

  /** The engine's networks: name, IPv6 subnets and gateway mode. */
  private static Map<String, String> networks(Lab lab) {
    Map<String, String> out = new TreeMap<>();
    for (LabHost h : lab.hosts()) {
      try (Docker d = Docker.connect(h.dockerEndpoint())) {
        for (DockerNetwork n : d.networks()) {
          out.put(h.name() + " " + n.name(), n.ipv6Subnets() + " " + n.ipv6GatewayMode());
        }
      }
    }
    return out;
  }

  private static String script(String setupName, Mode mode, String labName, Path state, String p1, String p2) {
    return """
        setup('%1$s') {
          underlay '2001:db8:ab11::/64'
          mode %2$s
          stateDir '%4$s'
          host('docker1') {
            netns '%3$s-docker1'
            uplink 'eth0'
            docker 'unix:///run/sixkit/lab/%3$s/docker1/docker.sock'
            prefix '%5$s'
            network 'web6'
          }
          host('docker2') {
            netns '%3$s-docker2'
            uplink 'eth0'
            docker 'unix:///run/sixkit/lab/%3$s/docker2/docker.sock'
            prefix '%6$s'
            network 'web6'
          }
        }
        """.formatted(setupName, mode == Mode.ROUTED ? "routed" : "ndpProxy", labName, state, p1, p2);
  }

  private static void startWeb(Lab lab, String host, String name) {
    try (Docker d = Docker.connect(lab.host(host).dockerEndpoint())) {
      d.newContainer(name).image(WebImage.REFERENCE)
          .command(WebImage.command("Web Server #" + host.substring(6) + " (routed network)").toArray(String[]::new))
          .network("web6").publish(80, 80).stopTimeout(Duration.ofSeconds(1)).start();
    }
  }

  private static void removeWeb(Lab lab, String host, String name) {
    try (Docker d = Docker.connect(lab.host(host).dockerEndpoint())) {
      d.remove(name);
    }
  }

  /** NDP proxy: the setup's prefixes are /67s of the underlay beside the default bridges' /66s. */
  @Test
  void ndpProxyWithARoutedNetwork() throws Exception {
    run(Mode.NDP_PROXY, "2001:db8:ab11:0:4000::/67", "2001:db8:ab11:0:6000::/67");
  }

  /** Routed: prefixes of their own (the lab's default bridges hold cd11/ef11). */
  @Test
  void routedWithARoutedNetwork() throws Exception {
    run(Mode.ROUTED, "2001:db8:cd12::/64", "2001:db8:ef12::/64");
  }

  private void run(Mode mode, String p1, String p2) throws Exception {
    Root.require();
    String name = LabWitness.labName(mode == Mode.ROUTED ? "sxwr" : "sxwn");
    try (Lab lab = Lab.builder().engine(Engine.V28).name(name).hosts(2).mode(mode).up()) {
      Map<String, String> before = LabWitness.snapshot(lab);
      Map<String, String> netsBefore = networks(lab);
      try (DslSession session = new DslSession(new PrintWriter(new StringWriter(), true), false, false)) {
        ScriptRunner r = new ScriptRunner(session, List.of());
        r.evaluate(script(name, mode, name, tmp.resolve("state"), p1, p2), "web6.groovy");

        Plan plan = (Plan) r.evaluate("plan()", "plan.groovy");
        assertTrue(plan.ok(), plan.toString());
        assertEquals(new Step.Network("web6", p1, true), plan.steps().get("docker1").get(0), plan.toString());
        assertEquals(new Step.Network("web6", p2, true), plan.steps().get("docker2").get(0), plan.toString());
        assertEquals(before, LabWitness.snapshot(lab), "plan changes nothing");
        assertEquals(netsBefore, networks(lab), "plan changes nothing");

        ApplyResult applied = (ApplyResult) r.evaluate("apply()", "apply.groovy");
        assertTrue(applied.ok(), applied.toString());
        Map<String, String> nets = networks(lab);
        assertEquals("[" + p1 + "] routed", nets.get("docker1 web6").replaceAll(" gateway \\S+", ""), nets.toString());
        assertEquals("[" + p2 + "] routed", nets.get("docker2 web6").replaceAll(" gateway \\S+", ""), nets.toString());

        startWeb(lab, "docker1", name + "-w1");
        startWeb(lab, "docker2", name + "-w2");
        ApplyResult again = (ApplyResult) r.evaluate("apply()", "apply2.groovy");
        assertTrue(again.ok(), again.toString());
        if (mode == Mode.NDP_PROXY) {
          assertEquals(2, again.changes().size(), "one proxy entry per new container: " + again);
        }

        VerifyReport v = (VerifyReport) r.evaluate("verify()", "verify.groovy");
        assertTrue(v.ok(), v.toString());
        assertEquals(2, v.checks().size(), v.toString());
        for (VerifyReport.Check c : v.checks()) {
          assertTrue(c.ping() && c.http(), c.toString());
          assertTrue(c.httpDetail().startsWith("Web Server #"), c.toString());
          assertTrue(c.toAddress().startsWith(c.to().startsWith("docker1") ? p1.substring(0, 14) : p2.substring(0, 14)),
              c.toString());
        }

        // undo while a container is still on the network: the network stays, named with its container
        Exception busy = assertThrows(Exception.class, () -> r.evaluate("undo()", "undo1.groovy"));
        assertTrue(String.valueOf(busy.getMessage()).contains("containers are still on it: " + name + "-w1"),
            busy.getMessage());
        assertTrue(networks(lab).containsKey("docker1 web6"));

        removeWeb(lab, "docker1", name + "-w1");
        removeWeb(lab, "docker2", name + "-w2");
        ApplyResult undone = (ApplyResult) r.evaluate("undo()", "undo2.groovy");
        assertTrue(undone.ok(), undone.toString());
        assertEquals(before, LabWitness.snapshot(lab), "undo restores ip -json of every host");
        assertEquals(netsBefore, networks(lab), "undo restores the engine's networks");
        assertFalse(networks(lab).containsKey("docker1 web6"));
      }
    } finally {
      if (Lab.exists(name)) {
        Lab.down(name, LabProgress.silent());
      }
    }
  }
}
