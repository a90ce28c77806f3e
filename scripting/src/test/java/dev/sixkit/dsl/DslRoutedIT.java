package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.host.Change;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.ApplyException;
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
 * The routed recipe through the DSL on a real lab (docker1 2001:db8:cd11::/64, docker2
 * 2001:db8:ef11::/64): plan, apply, a second empty apply, verify, undo; and an apply that fails
 * on one host saying exactly what was applied where, then undone.
 */
class DslRoutedIT {
  private static Lab lab;

  @TempDir
  Path tmp;

  @BeforeAll
  static void up() {
    Root.require();
    lab = Lab.builder().engine(Engine.V20_10).name(LabWitness.labName("sxr")).hosts(2).mode(Mode.ROUTED)
        .progress(m -> System.out.println("lab: " + m)).up();
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
    }
  }

  static String script(String setupName, String labName, Path stateDir, Path persistRoot) {
    return """
        def prefixes = [docker1: '2001:db8:cd11::/64', docker2: '2001:db8:ef11::/64']
        setup('%1$s') {
          underlay '2001:db8:ab11::/64'
          mode routed
          stateDir '%3$s'
          prefixes.each { n, p ->
            host(n) {
              netns "%2$s-${n}"
              uplink 'eth0'
              docker "unix:///run/sixkit/lab/%2$s/${n}/docker.sock"
              prefix p
            }
          }
          %4$s
        }
        """.formatted(setupName, labName, stateDir, persistRoot == null ? "" : "persist { root '" + persistRoot + "/{host}' }");
  }

  @Test
  void planApplyApplyAgainVerifyUndo() {
    Map<String, String> before = LabWitness.snapshot(lab);
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter(), true), false, false)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      r.evaluate(script(lab.name(), lab.name(), tmp.resolve("state"), null), "routed.groovy");

      Plan plan = (Plan) r.evaluate("plan()", "plan.groovy");
      assertEquals(before, LabWitness.snapshot(lab), "plan must not change anything");
      assertTrue(plan.problems().isEmpty(), plan.toString());
      assertEquals(Set.of("+ route 2001:db8:ef11::/64  -> via 2001:db8:ab11::2 dev eth0"),
          plan.changes("docker1").stream().map(DslNdpIT::describe).collect(Collectors.toSet()), plan.toString());
      assertEquals(Set.of("+ route 2001:db8:cd11::/64  -> via 2001:db8:ab11::1 dev eth0"),
          plan.changes("docker2").stream().map(DslNdpIT::describe).collect(Collectors.toSet()), plan.toString());

      VerifyReport unproven = (VerifyReport) r.evaluate("verify()", "verify0.groovy");
      assertFalse(unproven.ok(), "without routes web1 cannot reach web2: " + unproven);

      ApplyResult applied = (ApplyResult) r.evaluate("apply()", "apply.groovy");
      assertTrue(applied.ok(), applied.toString());
      assertTrue(LabWitness.routes(lab.host("docker1").netns())
          .contains("2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 metric 1024"));
      assertTrue(LabWitness.routes(lab.host("docker2").netns())
          .contains("2001:db8:cd11::/64 via 2001:db8:ab11::1 dev eth0 metric 1024"));
      Map<String, String> after = LabWitness.snapshot(lab);

      ApplyResult again = (ApplyResult) r.evaluate("apply()", "apply2.groovy");
      assertTrue(again.nothingToDo(), again.toString());
      assertEquals(after, LabWitness.snapshot(lab));

      VerifyReport v = (VerifyReport) r.evaluate("verify()", "verify.groovy");
      assertTrue(v.ok(), v.toString());
      assertEquals(Set.of("docker1/web1>docker2/web2", "docker2/web2>docker1/web1"),
          v.checks().stream().map(c -> c.from() + ">" + c.to()).collect(Collectors.toSet()));
      assertTrue(v.checks().stream().allMatch(c -> c.toAddress().startsWith("2001:db8:cd11:")
          || c.toAddress().startsWith("2001:db8:ef11:")), v.toString());

      ApplyResult undone = (ApplyResult) r.evaluate("undo()", "undo.groovy");
      assertTrue(undone.ok(), undone.toString());
      assertEquals(before, LabWitness.snapshot(lab));
    }
  }

  @Test
  void applyFailingOnOneHostSaysWhatWasAppliedWhereAndUndoRevertsIt() throws Exception {
    // docker2's persist folder is a plain file: its route goes in, then writing its first file fails.
    Path persist = tmp.resolve("persist");
    Files.createDirectories(persist);
    Files.writeString(persist.resolve("docker2"), "not a folder\n");
    Map<String, String> before = LabWitness.snapshot(lab);
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter(), true), false, false)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      String name = lab.name() + "-f";
      r.evaluate(script(name, lab.name(), tmp.resolve("state"), persist), "failing.groovy");
      Plan plan = (Plan) r.evaluate("plan()", "plan.groovy");
      assertTrue(plan.problems().isEmpty(), plan.toString());
      assertEquals(4, plan.changes("docker1").size(), plan.toString());
      assertEquals(4, plan.changes("docker2").size(), plan.toString());

      DslException e = assertThrows(DslException.class, () -> r.evaluate("\n\napply()", "apply.groovy"));
      assertEquals(3, e.line(), "the error names the script line of apply(): " + e.getMessage());
      ApplyException ae = assertInstanceOf(ApplyException.class, e.getCause());
      ApplyResult res = ae.result();
      assertEquals(List.of("+ route 2001:db8:ef11::/64", "+ file " + persist + "/docker1/etc/sysctl.d/60-sixkit.conf",
          "+ file " + persist + "/docker1/etc/docker/daemon.json",
          "+ file " + persist + "/docker1/etc/sixkit/" + name + ".ipbatch"), objects(res.changes("docker1")));
      assertEquals(List.of("+ route 2001:db8:cd11::/64"), objects(res.changes("docker2")));
      assertEquals(Set.of("docker2"), res.failures().keySet());
      assertTrue(res.failures().get("docker2").startsWith("+ file " + persist + "/docker2/etc/sysctl.d/60-sixkit.conf: "),
          res.failures().toString());
      assertEquals(List.of("+ file " + persist + "/docker2/etc/docker/daemon.json",
          "+ file " + persist + "/docker2/etc/sixkit/" + name + ".ipbatch"), objects(res.notDone()));
      String msg = e.getMessage();
      assertTrue(msg.contains("failed on docker2") && msg.contains("5 changes made (docker1 4, docker2 1)")
          && msg.contains("not done on docker2") && msg.contains("undo() reverts what was made"), msg);
      // ip agrees: both routes went in
      assertTrue(LabWitness.routes(lab.host("docker1").netns()).stream().anyMatch(x -> x.startsWith("2001:db8:ef11::/64 via")));
      assertTrue(LabWitness.routes(lab.host("docker2").netns()).stream().anyMatch(x -> x.startsWith("2001:db8:cd11::/64 via")));

      ApplyResult undone = (ApplyResult) r.evaluate("undo()", "undo.groovy");
      assertTrue(undone.ok(), undone.toString());
      assertEquals(5, undone.changes().size(), undone.toString());
      assertEquals(before, LabWitness.snapshot(lab));
      assertFalse(Files.exists(persist.resolve("docker1/etc/docker/daemon.json")));
    }
  }

  private static List<String> objects(List<Change> changes) {
    return changes.stream().map(c -> c.kind().sign() + " " + c.object()).toList();
  }
}
