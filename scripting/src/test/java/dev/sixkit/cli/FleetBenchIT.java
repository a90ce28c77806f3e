package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.Root;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * {@code sixkit bench fleet} end to end, short (CI's smoke run): a two-host SSH lab of its own,
 * one round of ./sixkit run and of the Ansible playbook, each run's end state checked with ip -json
 * by the bench itself (it stops on a wrong state). The goals are reported, not enforced here.
 */
class FleetBenchIT {
  @Test
  void bothToolsReachTheSameStateAndTheTableHasEveryStep() {
    Root.require();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "fleet", "--hosts", "2",
        "--rounds", "1", "--java-classpath", cp);
    System.out.println(out);
    System.out.println(err);
    assertEquals(Main.OK, rc, err.toString());
    String s = out.toString();
    for (String step : new String[] {"apply", "re-apply", "check (--plan / --check)"}) {
      assertTrue(s.lines().anyMatch(l -> l.startsWith(step + " ") && l.matches(".*\\d+\\.\\d+\\s+\\d+\\.\\d+.*")),
          step + " in " + s);
    }
    assertTrue(s.contains("no-op re-plan of 2 hosts"), s);
  }
}
