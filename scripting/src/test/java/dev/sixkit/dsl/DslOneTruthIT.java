package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Docker;
import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.VerifyReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 on real labs: undo reverts every apply since the last undo (items 5), a paused
 * container keeps its proxy entry so apply is idempotent and the container answers at once after
 * unpause (item 4), and a route that shadows the plan's makes plan() report a change that apply
 * fixes (item 2). Kernel state is read back with {@code ip -json}, reachability with ping6. On
 * Docker 20.10, whose default bridge the recipes are about (28's ip6tables rules drop the traffic
 * before any of this matters).
 */
class DslOneTruthIT {
  @TempDir
  Path tmp;

  private static String ndpScript(String labName, Path stateDir) {
    return """
        setup('%1$s') {
          underlay '2001:db8:ab11::/64'
          mode ndpProxy
          split 66
          stateDir '%2$s'
          ['docker1', 'docker2'].each { n ->
            host(n) {
              netns "%1$s-${n}"
              uplink 'eth0'
              docker "unix:///run/sixkit/lab/%1$s/${n}/docker.sock"
            }
          }
        }
        """.formatted(labName, stateDir);
  }

  private static String routedScript(String labName, Path stateDir) {
    return """
        def prefixes = [docker1: '2001:db8:cd11::/64', docker2: '2001:db8:ef11::/64']
        setup('%1$s') {
          underlay '2001:db8:ab11::/64'
          mode routed
          stateDir '%2$s'
          ['docker1', 'docker2'].each { n ->
            host(n) {
              netns "%1$s-${n}"
              uplink 'eth0'
              docker "unix:///run/sixkit/lab/%1$s/${n}/docker.sock"
              prefix prefixes[n]
            }
          }
        }
        """.formatted(labName, stateDir);
  }

  private static boolean ping(LabHost from, String container, String address) {
    try (Docker d = Docker.connect(from.dockerEndpoint())) {
      return d.exec(container, java.time.Duration.ofSeconds(15), List.of("ping6", "-c", "1", "-W", "3", address)).ok();
    }
  }

  @Test
  void undoRevertsEveryApplySinceTheLastUndoAndAPausedContainerKeepsItsEntry() throws Exception {
    Root.require();
    Lab lab = Lab.builder().engine(Engine.V20_10).name(LabWitness.labName("sxo")).hosts(2).mode(Mode.NDP_PROXY)
        .progress(m -> System.out.println("lab: " + m)).up();
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter(), true), false, false)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      r.evaluate(ndpScript(lab.name(), tmp.resolve("state")), "ndp.groovy");
      LabHost d1 = lab.host("docker1");
      LabHost d2 = lab.host("docker2");
      Map<String, String> before = LabWitness.snapshot(lab);

      // apply, then a container starts, then apply again: two records, one undo reverts both
      assertTrue(((ApplyResult) r.evaluate("apply()", "apply1.groovy")).ok());
      String image;
      try (Docker d = Docker.connect(d1.dockerEndpoint())) {
        image = d.container(d1.webContainer()).image();
      }
      LabWitness.docker(d1, "run", "-d", "--name", "extra", image, "httpd", "-f", "-p", "80", "-h", "/www");
      String extra = LabWitness.ipv6(d1, "extra");
      ApplyResult second = (ApplyResult) r.evaluate("apply()", "apply2.groovy");
      assertEquals(1, second.changes().size(), second.toString());
      assertTrue(LabWitness.proxies(d1.netns()).contains(extra + " dev eth0"));
      // the entries apply made carry Sixkit's protocol mark, read back from the kernel
      for (var n : Ip.json(d1.netns(), "-6", "neigh", "show", "proxy")) {
        assertEquals("171", n.path("protocol").asText(), n.toString());
      }

      // a paused container keeps its entry: apply is idempotent, and it answers at once after unpause
      LabWitness.docker(d1, "pause", d1.webContainer());
      ApplyResult paused = (ApplyResult) r.evaluate("apply()", "apply3.groovy");
      assertTrue(paused.nothingToDo(), paused.toString());
      ApplyResult paused2 = (ApplyResult) r.evaluate("apply()", "apply4.groovy");
      assertTrue(paused2.nothingToDo(), paused2.toString());
      assertTrue(LabWitness.proxies(d1.netns()).contains(LabWitness.ipv6(d1, d1.webContainer()) + " dev eth0"));
      LabWitness.docker(d1, "unpause", d1.webContainer());
      assertTrue(ping(d2, d2.webContainer(), LabWitness.ipv6(d1, d1.webContainer())), "web2 -> web1 after unpause, no sync");

      // undo: every host as before the first apply (the extra container is gone first)
      LabWitness.docker(d1, "rm", "-f", "extra");
      ApplyResult undone = (ApplyResult) r.evaluate("undo()", "undo.groovy");
      assertTrue(undone.ok(), undone.toString());
      assertEquals(before, LabWitness.snapshot(lab));
      ApplyResult nothing = (ApplyResult) r.evaluate("undo()", "undo2.groovy");
      assertTrue(nothing.toString().contains("nothing to undo"), nothing.toString());
    } finally {
      Lab.down(lab.name(), LabProgress.silent());
    }
  }

  @Test
  void aShadowingRouteMakesThePlanShowAChangeThatApplyFixes() throws Exception {
    Root.require();
    Lab lab = Lab.builder().engine(Engine.V20_10).name(LabWitness.labName("sxs")).hosts(2).mode(Mode.ROUTED)
        .progress(m -> System.out.println("lab: " + m)).up();
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter(), true), false, false)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      r.evaluate(routedScript(lab.name(), tmp.resolve("state")), "routed.groovy");
      assertTrue(((ApplyResult) r.evaluate("apply()", "apply.groovy")).ok());
      assertTrue(((VerifyReport) r.evaluate("verify()", "verify.groovy")).ok());
      String ns = lab.host("docker1").netns();
      // The case: a better route for docker2's prefix wins the lookup on docker1.
      Ip.run(ns, "-6", "route", "add", "2001:db8:ef11::/64", "via", "2001:db8:ab11::99", "dev", "eth0", "metric", "100");
      VerifyReport broken = (VerifyReport) r.evaluate("verify()", "verify2.groovy");
      assertFalse(broken.ok(), broken.toString());
      assertTrue(broken.hops().stream().anyMatch(h -> h.startsWith("docker1: ") && h.contains("via 2001:db8:ab11::99")),
          "verify names the hop that failed: " + broken);
      Plan p = (Plan) r.evaluate("plan()", "plan.groovy");
      assertEquals(1, p.changes("docker1").size(), p.toString());
      assertTrue(p.changes("docker2").isEmpty(), p.toString());
      ApplyResult fixed = (ApplyResult) r.evaluate("apply()", "apply2.groovy");
      assertEquals(1, fixed.changes().size(), fixed.toString());
      // the kernel now chooses the plan's gateway, and the operator's route is still there
      String got = Ip.json(ns, "-6", "route", "get", "2001:db8:ef11::1").get(0).path("gateway").asText();
      assertEquals("2001:db8:ab11::2", got);
      // Sixkit's route carries its protocol mark; the operator's has none (ip -json leaves out "boot")
      for (var x : Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64")) {
        assertEquals(x.path("gateway").asText().equals("2001:db8:ab11::2") ? "171" : "",
            x.path("protocol").asText(), x.toString());
      }
      assertTrue(LabWitness.routes(ns).contains("2001:db8:ef11::/64 via 2001:db8:ab11::99 dev eth0 metric 100"),
          LabWitness.routes(ns).toString());
      VerifyReport v = (VerifyReport) r.evaluate("verify()", "verify3.groovy");
      assertTrue(v.ok(), v.toString());
      assertTrue(((Plan) r.evaluate("plan()", "plan2.groovy")).isEmpty());
    } finally {
      Lab.down(lab.name(), LabProgress.silent());
    }
  }
}
