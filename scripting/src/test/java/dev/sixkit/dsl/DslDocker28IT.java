package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's NDP proxy setup on Docker 28 (issue 10): the engine drops what comes from other
 * hosts to its default bridge, so plan() no longer says the setup is complete: each host has a
 * problem naming the engine, the dropped prefix and the ways out, and apply() refuses with
 * nothing changed.
 */
class DslDocker28IT {
  @TempDir
  Path tmp;

  @Test
  void planNamesTheEnginesFilter_andApplyRefusesWithNothingChanged() throws Exception {
    Root.require();
    String name = LabWitness.labName("sxq");
    try (Lab lab = Lab.builder().engine(Engine.V28).name(name).hosts(2).mode(Mode.NDP_PROXY).up()) {
      Map<String, String> before = LabWitness.snapshot(lab);
      try (DslSession session = new DslSession(new PrintWriter(new StringWriter(), true), false, false)) {
        ScriptRunner r = new ScriptRunner(session, List.of());
        r.evaluate(DslNdpIT.script(name, tmp.resolve("state"), tmp.resolve("persist")), "ndp.groovy");
        Plan plan = (Plan) r.evaluate("plan()", "plan.groovy");
        for (String h : List.of("docker1", "docker2")) {
          String prefix = lab.host(h).dockerPrefix();
          assertTrue(plan.problems().stream().anyMatch(p -> p.startsWith(h + ": Docker 28.")
              && p.contains("filters IPv6 to the default bridge") && p.contains(prefix)
              && p.contains("gateway_mode_ipv6=routed")), plan.toString());
        }
        assertFalse(plan.ok(), plan.toString());
        assertThrows(DslException.class, () -> r.evaluate("apply()", "apply.groovy"));
        assertEquals(before, LabWitness.snapshot(lab), "a refused apply changes nothing");
      }
    } finally {
      if (Lab.exists(name)) {
        Lab.down(name, LabProgress.silent());
      }
    }
  }
}
