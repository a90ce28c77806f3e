package dev.sixkit.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C on the real console (a pseudo-terminal through tmux) stops the line that runs, an endless
 * loop or a long sleep, and the console prompts again, alive, with its variables.
 */
class ConsoleInterruptIT {
  private static int count(String screen, String text) {
    return screen.split(java.util.regex.Pattern.quote(text), -1).length - 1;
  }

  private static boolean prompt(String screen) {
    return ConsoleIT.lastLine(screen).equals("sixkit>");
  }

  @Test
  void ctrlCStopsAnEndlessLoopAndALongSleep() throws Exception {
    Path history = Files.createTempFile("sixkit-console-history-", "");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    try (Tmux t = new Tmux(ChildJvm.java("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp, "dev.sixkit.cli.Main", "console", "--history",
        history.toString()), 160, 40)) {
      t.await("the first prompt", ConsoleInterruptIT::prompt, Duration.ofSeconds(60));
      t.line("def kept = 41");
      // the line echoed and a prompt after it: a prompt alone may be the one before the line was read
      // (a cold Groovy compile can outlast the typing, notably on 25), and a Ctrl-C then hits the def
      t.await("def to run", s -> s.contains("sixkit> def kept = 41") && prompt(s), Duration.ofSeconds(60));
      int interrupted = 0;
      for (String line : List.of("while (true) {}", "sleep 20000")) {
        t.line(line);
        t.await("'" + line + "' to be read", x -> x.contains("sixkit> " + line) && !prompt(x), Duration.ofSeconds(30));
        Thread.sleep(1500); // it runs
        long t0 = System.nanoTime();
        t.key("C-c");
        int before = interrupted;
        String s = t.await("'" + line + "' to stop at Ctrl-C", x -> count(x, "error: interrupted") == before + 1
            && prompt(x), Duration.ofSeconds(10));
        interrupted++;
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, s);
        assertTrue(t.alive(), s);
      }
      t.line("kept + 1");
      t.awaitText("42");
    } finally {
      Files.deleteIfExists(history);
    }
  }
}
