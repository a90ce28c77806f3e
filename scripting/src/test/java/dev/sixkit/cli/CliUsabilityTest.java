package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.ChildJvm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line as a user meets it (issue 14 item 6, issue 13's script errors): help that
 * never splits a word or cuts a summary, usage errors that exit 2, exit codes that are written
 * down, JSON that parses, and script failures told in one line at the script's line.
 */
class CliUsabilityTest {
  /** A token with a '.', '/' or '(' inside: what picocli's wrapping used to split ("daemon. json"). */
  private static final Pattern INNER = Pattern.compile("[^\\s,;]*\\w[./(][^\\s,;]*\\w[^\\s,;]*");

  private static String flat(String s) {
    return s.replaceAll("\\s+", " ");
  }

  private static void commands(CommandLine cl, List<String> path, List<List<String>> out) {
    out.add(path);
    cl.getSubcommands().forEach((name, sub) -> {
      if (sub.getCommandName().equals(name)) { // each once, not per alias
        List<String> p = new ArrayList<>(path);
        p.add(name);
        commands(sub, p, out);
      }
    });
  }

  @Test
  void helpNeverSplitsAWordAndListsWholeSummaries() {
    List<List<String>> all = new ArrayList<>();
    commands(new CommandLine(new Main()), List.of(), all);
    assertTrue(all.size() > 20, all.toString());
    for (List<String> path : all) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun r = CliRun.sixkit(args.toArray(String[]::new));
      assertEquals(0, r.exit(), path + ": " + r.err());
      String help = flat(r.out());
      CommandSpec spec = Main.rootFor(args.toArray(String[]::new)).getCommandSpec();
      for (String p : path) {
        spec = spec.subcommands().get(p).getCommandSpec();
      }
      List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
      for (ArgSpec a : spec.args()) {
        texts.addAll(List.of(a.description()));
      }
      for (String t : texts) {
        Matcher m = INNER.matcher(t);
        while (m.find()) {
          String word = m.group().replaceAll("[.:)]+$", "");
          if (!word.contains("$")) {
            assertTrue(help.contains(word), path + " --help splits '" + word + "':\n" + r.out());
          }
        }
      }
      // the command list shows each subcommand's first sentence whole
      for (CommandLine sub : spec.subcommands().values()) {
        if (sub.getCommandSpec().usageMessage().hidden()) {
          continue; // not listed (daemon serve: what the launcher starts)
        }
        String summary = sub.getCommandSpec().usageMessage().description()[0];
        assertTrue(summary.endsWith(".") || summary.endsWith(")"), sub.getCommandName() + ": summary is not a sentence: "
            + summary);
        assertTrue(help.contains(flat(summary)), path + " lists " + sub.getCommandName() + " cut:\n" + r.out());
      }
      assertFalse(r.out().contains("the seed"), path + ": " + r.out());
    }
  }

  @Test
  void usageErrorsExit2() {
    CliRun table = CliRun.sixkit("show", "routes", "--table", "foo");
    assertEquals(Main.USAGE, table.exit(), table.err());
    assertTrue(table.err().contains("unknown routing table 'foo'"), table.err());
    for (String cmd : List.of("up", "status", "down")) {
      CliRun r = CliRun.sixkit("lab", cmd, "--name", "HZC");
      assertEquals(Main.USAGE, r.exit(), cmd + ": " + r.err());
      assertTrue(r.err().startsWith("invalid --name 'HZC': a lab name is"), r.err());
    }
  }

  @Test
  void statusOfAMissingLabFails() {
    CliRun r = CliRun.sixkit("lab", "status", "--name", "nope" + ProcessHandle.current().pid() % 1000);
    assertEquals(Main.FAILURE, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("not up"), r.err());
    CliRun j = CliRun.sixkit("lab", "status", "--json", "--name", "nope" + ProcessHandle.current().pid() % 1000);
    assertEquals(Main.FAILURE, j.exit());
    assertTrue(j.out().contains("\"up\":false"), j.out());
  }

  @Test
  void doctorDocumentsItsStrictExitCode() {
    String help = flat(CliRun.sixkit("doctor", "--help").out());
    assertTrue(help.contains("Exit codes:"), help);
    assertTrue(help.contains("3 with --strict: the destination is not reachable"), help);
  }

  @Test
  void printedUnitKeepsLabAndHostAndUsesTheInstalledLauncher() {
    CliRun r = CliRun.sixkit("ndp", "sync", "--lab", "lab7", "--host", "docker2", "--print-unit");
    assertEquals(0, r.exit(), r.err());
    String exec = r.out().lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    assertEquals("ExecStart=/usr/bin/sixkit ndp sync --lab lab7 --host docker2 --uplink eth0", exec);
    assertFalse(r.out().contains(Path.of("").toAbsolutePath().getParent().toString()), r.out());
  }

  @Test
  void runJsonKeepsTheScriptsOutputOffStdout(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("noisy.groovy");
    Files.writeString(script, "println 'hello from the script'\nSystem.out.println('and from System.out')\nprint 'x'\n1\n");
    CliRun r = CliRun.sixkit("run", "--json", script.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out()); // the whole of stdout is one JSON document
    assertTrue(doc.get("ok").asBoolean(), r.out());
    assertTrue(r.err().contains("hello from the script"), r.err());
  }

  /** Runs a script in a JVM of its own (small heap): exit code and stderr. */
  private static CliRun runScript(Path script) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(ChildJvm.java("-Xmx48m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp, "dev.sixkit.cli.Main", "run", script.toString()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new CliRun(p.exitValue(), "", err);
  }

  @Test
  void scriptFailuresAreOneLineAtTheScriptLine(@TempDir Path dir) throws Exception {
    record Case(String name, byte[] content, String expected) {}
    byte[] binary = new byte[64];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (0x80 + i);
    }
    List<Case> cases = List.of(
        new Case("assert.groovy", "x = 1\nassert x == 2\n".getBytes(StandardCharsets.UTF_8),
            "sixkit: assert.groovy:2: assertion failed: assert x == 2"),
        new Case("error.groovy", "\nthrow new Error('boom')\n".getBytes(StandardCharsets.UTF_8),
            "sixkit: error.groovy:2: Error: boom"),
        new Case("oom.groovy", "def l = []\nwhile (true) { l << new long[1000000] }\n".getBytes(StandardCharsets.UTF_8),
            "sixkit: oom.groovy:2: out of memory"),
        new Case("grab.groovy", "println 1\n@Grab('org.example:nothing:1.0')\nimport org.example.Nothing\n"
            .getBytes(StandardCharsets.UTF_8), "sixkit: grab.groovy:2: @Grab is not supported"),
        new Case("binary.groovy", binary, "sixkit: binary.groovy: not a script: a binary file"));
    for (Case c : cases) {
      Path f = dir.resolve(c.name());
      Files.write(f, c.content());
      CliRun r = runScript(f);
      assertEquals(Main.FAILURE, r.exit(), c.name() + ": " + r.err());
      assertEquals(1, r.err().lines().count(), c.name() + ": not one line:\n" + r.err());
      assertTrue(r.err().startsWith(c.expected()), c.name() + ": " + r.err());
      assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }
    Path folder = Files.createDirectory(dir.resolve("folder.groovy"));
    CliRun d = CliRun.sixkit("run", folder.toString());
    assertEquals(Main.FAILURE, d.exit());
    assertEquals("sixkit: run: " + folder + " is a directory, not a script", d.err().strip());
  }
}
