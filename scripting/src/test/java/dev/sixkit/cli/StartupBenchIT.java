package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code sixkit bench startup} runs end to end: the console reaches its prompt on a pseudo-terminal
 * (script(1)), show neighbours and ip answer, and the table carries real, positive numbers. Timed
 * through java -cp here (the launcher needs a packaged build); the goals are reported, not enforced.
 */
class StartupBenchIT {
  @Test
  void measuresConsolePromptAndOneShotAgainstIp() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "startup", "--rounds", "1",
        "--java-classpath", cp);
    assertEquals(Main.OK, rc, err.toString());
    String s = out.toString();
    System.out.println(s);
    for (String what : new String[] {"console: first prompt", "sixkit show neighbours: first result",
        "ip -6 neigh show: first result"}) {
      Matcher m = Pattern.compile(Pattern.quote(what) + "\\s+(\\d+\\.\\d+) s").matcher(s);
      assertTrue(m.find(), what + " in " + s);
      double v = Double.parseDouble(m.group(1));
      assertTrue(v > 0 && v < 60, what + " = " + v);
    }
    assertTrue(s.contains("<= 1.5 s") && s.contains("<= 0.6 s"), s);
    assertTrue(s.matches("(?s).*takes \\d+ times as long as ip.*"), s);
  }
}
