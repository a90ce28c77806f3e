package dev.sixkit.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.dsl.DslException;
import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.Table;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the console says back: words without parentheses, errors in the API's own names, flags by name. */
class ConsoleWordsTest {
  private static final String SETUP = "setup { underlay '2001:db8:ab11::/64'; mode routed\n"
      + "  host('a') { netns 'sxt-nowhere'; uplink 'eth0'; prefix '2001:db8:cd11::/64' } }\n";

  @Test
  void planWithoutParenthesesIsPlan() {
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter()), false, true)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      r.evaluate(SETUP, "console1.groovy");
      assertInstanceOf(Plan.class, r.evaluate("plan", "console2.groovy"));
      // a variable of that name still wins
      r.evaluate("plan = 7", "console3.groovy");
      assertTrue(Integer.valueOf(7).equals(r.evaluate("plan", "console4.groovy")));
    }
  }

  @Test
  void errorsNameTheApiNotItsImplementation() {
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter()), false, true)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      DslException e = assertThrows(DslException.class, () -> r.evaluate("Host.connect().foo()", "console1.groovy"));
      assertTrue(e.getMessage().contains("Host has no method foo()"), e.getMessage());
      assertFalse(e.getMessage().contains("KernelHost"), e.getMessage());
    }
  }

  @Test
  void flagsPrintAsNames() {
    try (Netlink nl = Netlink.open()) {
      String t = Table.from(nl.links().list()).toString();
      assertTrue(t.contains("LOOPBACK,UP"), t);
      assertFalse(t.contains("65609"), t);
    }
  }
}
