package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Docker;
import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.host.Change;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.VerifyReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NDP proxy recipe through the DSL on a real lab: plan shows exactly the expected changes and
 * touches nothing, apply makes them (ip -json sees them), a second apply is empty, verify passes
 * over ping6 and HTTP, undo restores the state read before.
 */
class DslNdpIT {
  private static Lab lab;

  @TempDir
  Path tmp;

  @BeforeAll
  static void up() {
    Root.require();
    lab = Lab.builder().engine(Engine.V20_10).name(LabWitness.labName("sxn")).hosts(2).mode(Mode.NDP_PROXY)
        .progress(m -> System.out.println("lab: " + m)).up();
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
    }
  }

  static String script(String labName, Path stateDir, Path persistRoot) {
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
          persist { root '%3$s/{host}' }
        }
        """.formatted(labName, stateDir, persistRoot);
  }

  private static String web(String host) {
    LabHost h = lab.host(host);
    try (Docker d = Docker.connect(h.dockerEndpoint())) {
      return d.container(h.webContainer()).ipv6().orElseThrow().toCanonicalString();
    }
  }

  @Test
  void planApplyApplyAgainVerifyUndo() throws Exception {
    Path state = tmp.resolve("state");
    Path persist = tmp.resolve("persist");
    Map<String, String> before = LabWitness.snapshot(lab);
    StringWriter text = new StringWriter();
    try (DslSession session = new DslSession(new PrintWriter(text, true), false, false)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      Setup setup = (Setup) r.evaluate(script(lab.name(), state, persist), "ndp.groovy");
      assertEquals(List.of("docker1", "docker2"), setup.hostNames());

      // plan: the expected changes, nothing touched
      Plan plan = (Plan) r.evaluate("plan()", "plan.groovy");
      assertEquals(before, LabWitness.snapshot(lab), "plan must not change anything");
      assertTrue(plan.problems().isEmpty(), plan.toString());
      for (String h : List.of("docker1", "docker2")) {
        String root = persist + "/" + h;
        Set<String> want = Set.of(
            "~ sysctl net.ipv6.conf.eth0.proxy_ndp 0 -> 1",
            "~ sysctl net.ipv6.neigh.eth0.proxy_delay 80 -> 0",
            "+ proxy " + web(h) + " dev eth0  -> present",
            "+ file " + root + "/etc/sysctl.d/60-sixkit.conf",
            "+ file " + root + "/etc/docker/daemon.json",
            "+ file " + root + "/etc/sixkit/" + lab.name() + ".ipbatch");
        Set<String> got = plan.changes(h).stream().map(DslNdpIT::describe).collect(Collectors.toSet());
        assertEquals(want, got, plan.toString());
        assertEquals(lab.host(h).dockerPrefix(), plan.hosts().stream().filter(l -> l.host().equals(h)).findFirst()
            .orElseThrow().dockerPrefix());
      }
      String table = plan.toString();
      assertTrue(table.contains("HOST") && table.contains("CHANGE") && table.contains("BEFORE") && table.contains("AFTER"),
          table);
      assertTrue(table.contains("agrees"), "the running daemons agree with the plan: " + table);

      // before the recipe, web2 cannot reach web1 (docker2's neighbour solicitation goes unanswered)
      VerifyReport unproven = (VerifyReport) r.evaluate("verify()", "verify0.groovy");
      assertFalse(unproven.ok(), unproven.toString());

      // apply: exactly the planned changes, seen by ip
      ApplyResult applied = (ApplyResult) r.evaluate("apply()", "apply.groovy");
      assertTrue(applied.ok(), applied.toString());
      assertEquals(plan.changes().size(), applied.changes().size(), applied.toString());
      Map<String, String> after = LabWitness.snapshot(lab);
      assertEquals(List.of(web("docker1") + " dev eth0"), LabWitness.proxies(lab.host("docker1").netns()));
      assertEquals(List.of(web("docker2") + " dev eth0"), LabWitness.proxies(lab.host("docker2").netns()));
      assertEquals("1", LabWitness.sysctl(lab.host("docker1").netns(), "net.ipv6.conf.eth0.proxy_ndp"));
      assertEquals("1", LabWitness.sysctl(lab.host("docker2").netns(), "net.ipv6.conf.eth0.proxy_ndp"));
      for (String h : List.of("docker1", "docker2")) {
        assertEquals("0", LabWitness.sysctl(lab.host(h).netns(), "net.ipv6.neigh.eth0.proxy_delay"), h);
      }
      String daemonJson = Files.readString(persist.resolve("docker1/etc/docker/daemon.json"));
      assertTrue(daemonJson.contains("\"fixed-cidr-v6\" : \"" + lab.host("docker1").dockerPrefix() + "\""), daemonJson);
      String sysctlD = Files.readString(persist.resolve("docker2/etc/sysctl.d/60-sixkit.conf"));
      assertTrue(sysctlD.contains("net.ipv6.conf.eth0.proxy_ndp = 1\n"), sysctlD);
      assertTrue(sysctlD.contains("net.ipv6.neigh.eth0.proxy_delay = 0\n"), sysctlD);
      assertTrue(Files.readString(persist.resolve("docker2/etc/sixkit/" + lab.name() + ".ipbatch"))
          .contains("neigh replace proxy " + web("docker2") + " dev eth0"));
      assertTrue(Files.exists(state.resolve(lab.name()).resolve("last-apply.json")));

      // a second apply changes nothing and says so
      ApplyResult again = (ApplyResult) r.evaluate("apply()", "apply2.groovy");
      assertTrue(again.nothingToDo(), again.toString());
      assertTrue(again.toString().startsWith("apply: nothing to change on docker1, docker2"), again.toString());
      assertEquals(after, LabWitness.snapshot(lab));
      assertTrue(((Plan) r.evaluate("plan()", "plan2.groovy")).isEmpty());

      // verify: from every web container to every other, ping6 and HTTP
      VerifyReport v = (VerifyReport) r.evaluate("verify()", "verify.groovy");
      assertTrue(v.ok(), v.toString());
      assertEquals(2, v.checks().size());
      for (VerifyReport.Check c : v.checks()) {
        assertTrue(c.ping() && c.http(), c.toString());
        assertTrue(c.httpDetail().startsWith("Web Server #"), c.toString());
      }

      // undo: the state read before, files and record gone
      ApplyResult undone = (ApplyResult) r.evaluate("undo()", "undo.groovy");
      assertTrue(undone.ok(), undone.toString());
      assertEquals(applied.changes().size(), undone.changes().size());
      assertEquals(before, LabWitness.snapshot(lab));
      assertFalse(Files.exists(persist.resolve("docker1/etc/docker/daemon.json")));
      assertFalse(Files.exists(state.resolve(lab.name()).resolve("last-apply.json")));
      ApplyResult nothing = (ApplyResult) r.evaluate("undo()", "undo2.groovy");
      assertTrue(nothing.nothingToDo());
      assertTrue(nothing.toString().contains("nothing to undo"), nothing.toString());
    }
  }

  /** "+ proxy ADDR dev eth0  -> present", "~ sysctl KEY 0 -> 1", files without their hashes. */
  static String describe(Change c) {
    if (c.object().startsWith("file ")) {
      return c.kind().sign() + " " + c.object();
    }
    return c.kind().sign() + " " + c.object() + " " + c.before() + " -> " + c.after();
  }
}
