package dev.sixkit.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.ChildJvm;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code sixkit jshell} (JShell in the launcher's JVM, a live {@code host} handed over) and the
 * plain {@code jshell --class-path ...} route the README documents, each on a namespace of its own
 * and compared with ip -json.
 */
class JShellIT {
  private static final String CP = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

  /** Runs a command with the snippets on stdin; returns stdout and stderr. */
  private static String run(List<String> cmd, String snippets) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(snippets.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jshell ended: " + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** The value JShell printed for a snippet: "name ==> value". */
  private static String value(String out, String name) {
    for (String l : out.split("\n")) {
      int i = l.indexOf(name + " ==> ");
      if (i >= 0) {
        return l.substring(i + name.length() + 5).strip();
      }
    }
    throw new AssertionError("no value for " + name + " in:\n" + out);
  }

  @Test
  void sixkitJshellHandsOverALiveHostWithTheImportsInPlace() throws Exception {
    Root.require();
    try (TestNetns t = new TestNetns()) {
      String ns = t.create("jsh").name();
      Ip.run(ns, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0");
      int links = Ip.json(ns, "link", "show").size();
      List<String> cmd = ChildJvm.java("-cp", CP, "dev.sixkit.cli.Main", "jshell", "--netns", ns);
      String out = run(cmd, String.join("\n",
          "var n = host.name()",
          "var k = host.interfaces().size()",
          "var t = table(host.interfaces()).rows().size()",
          "var first = host.interfaces().get(0).name()",
          "var plan = Planner.underlay(\"2001:db8:ab11::/64\").host(\"a\", \"eth0\", \"2001:db8:ab11::1\").ndpProxy().split(66).plan().hosts().get(0).dockerPrefix().toCanonicalString()",
          "/exit", ""));
      assertEquals("\"" + ns + "\"", value(out, "n"));
      assertEquals(Integer.toString(links), value(out, "k"), "the same interfaces as ip -json link");
      assertEquals(Integer.toString(links), value(out, "t"));
      assertEquals("\"" + Ip.json(ns, "link", "show").get(0).path("ifname").asText() + "\"", value(out, "first"));
      assertEquals("\"2001:db8:ab11:0:c000::/66\"", value(out, "plan"));
    }
  }

  @Test
  void plainJshellWithTheClassPathWorksToo() throws Exception {
    Root.require();
    try (TestNetns t = new TestNetns()) {
      String ns = t.create("jsp").name();
      Ip.run(ns, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0");
      String out = run(List.of(Path.of(System.getProperty("java.home"), "bin", "jshell").toString(), "--class-path", CP),
          String.join("\n",
              "import dev.sixkit.host.*;",
              "var h = Host.netns(\"" + ns + "\")",
              "var k = h.interfaces().size()",
              "h.close()",
              "/exit", ""));
      assertEquals(Integer.toString(Ip.json(ns, "link", "show").size()), value(out, "k"), out);
    }
  }
}
