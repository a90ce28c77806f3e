package dev.sixkit.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.ChildJvm;
import dev.sixkit.plan.Mode;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jline.reader.Candidate;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real console ({@code sixkit console}) on a pseudo-terminal (tmux), driven as a person
 * would: type lines, press Tab, read the screen. Against a real lab for plan() and Host methods.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
  private static Lab lab;
  private static Path history;
  private static Tmux con;

  @BeforeAll
  static void up() throws Exception {
    Root.require();
    String name = "sxc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(2).mode(Mode.NDP_PROXY).progress(m -> System.out.println("lab: " + m)).up();
    history = Files.createTempFile("sixkit-console-history-", "");
    con = start();
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (con != null) {
        con.close();
      }
    } finally {
      try {
        if (lab != null) {
          Lab.down(lab.name(), LabProgress.silent());
        }
      } finally {
        if (history != null) {
          Files.deleteIfExists(history);
        }
      }
    }
  }

  /** The console as ./sixkit runs it, on the test class path, on a 200x50 terminal. */
  static Tmux start() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Tmux t = new Tmux(ChildJvm.java("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp, "dev.sixkit.cli.Main", "console", "--history",
        history.toString()), 200, 50);
    t.await("the first prompt", s -> lastLine(s).equals("sixkit>"), Duration.ofSeconds(60));
    return t;
  }

  static String lastLine(String screen) {
    List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1).stripTrailing();
  }

  /** Waits for a fresh prompt after output. */
  static String prompt() {
    return con.await("a prompt", s -> lastLine(s).equals("sixkit>"), Duration.ofSeconds(60));
  }

  @BeforeEach
  void freshScreen() throws InterruptedException {
    con.key("C-c");   // drop any unfinished buffer
    // Ctrl-C reaches the console as SIGINT and is handled on its own thread: on a loaded machine
    // it can land after the next keystrokes and eat them. Let it land first.
    Thread.sleep(1500);
    clear();
  }

  /** Clears the screen and waits until only the prompt is on it. */
  static void clear() {
    // A Ctrl-L that arrives between two reads of a line can be lost: press it again until it takes.
    for (int i = 0; ; i++) {
      con.key("C-l");
      try {
        con.await("a clear screen", s -> s.lines().filter(l -> !l.isBlank()).map(String::stripTrailing).toList()
            .equals(List.of("sixkit>")), Duration.ofSeconds(1));
        return;
      } catch (AssertionError e) {
        if (i == 30) {
          throw e;
        }
      }
    }
  }

  /** Runs one line on a clear screen and waits until it is done; returns the screen. */
  static String run(String line) {
    clear();
    con.line(line);
    String first = "sixkit> " + line.lines().findFirst().orElse("");
    return con.await("'" + line + "' to finish", s -> {
      List<String> l = s.lines().filter(x -> !x.isBlank()).map(String::stripTrailing).toList();
      int at = -1;
      for (int i = 0; i < l.size(); i++) {
        if (l.get(i).startsWith(first)) {
          at = i;
        }
      }
      return at >= 0 && at < l.size() - 1 && l.get(l.size() - 1).equals("sixkit>");
    }, Duration.ofSeconds(60));
  }

  @Test
  @Order(1)
  void startsWithBannerAndPrompt() {
    // the banner went before the clear; the console answers a line
    String s = run("GroovySystem.version");
    assertTrue(s.contains("5.0.7"), s);
  }

  @Test
  @Order(2)
  void multiLineClosureDescribesASetupAndPlanPrintsATable() {
    String n = lab.name();
    con.line("setup('" + n + "') {");
    con.await("the continuation prompt", s -> lastLine(s).endsWith("...>"), Duration.ofSeconds(10));
    con.line("  underlay '2001:db8:ab11::/64'");
    con.line("  mode ndpProxy");
    con.line("  split 66");
    con.line("  ['docker1', 'docker2'].each { n ->");
    con.line("    host(n) { netns \"" + n + "-${n}\"; uplink 'eth0'; docker \"unix:///run/sixkit/lab/" + n
        + "/${n}/docker.sock\" }");
    con.line("  }");
    con.line("}");
    String s = con.awaitText("setup " + n + ": NDP proxy on 2001:db8:ab11::/64, split /66");
    assertTrue(s.contains("   ...>"), "the closure took several lines: " + s);
    prompt();

    String proxiesBefore = Ip.run(lab.host("docker1").netns(), "-6", "neigh", "show", "proxy");
    s = run("plan()");
    assertTrue(s.contains("6 changes (docker1 3, docker2 3); nothing is changed until apply()"), s);
    assertTrue(Pattern.compile("docker1\\s+~\\s+sysctl net\\.ipv6\\.conf\\.eth0\\.proxy_ndp\\s+0\\s+1").matcher(s).find(), s);
    assertTrue(Pattern.compile("docker2\\s+~\\s+sysctl net\\.ipv6\\.neigh\\.eth0\\.proxy_delay\\s+80\\s+0").matcher(s).find(), s);
    assertTrue(Pattern.compile("docker2\\s+\\+\\s+proxy 2001:db8:ab11:0:c000:\\S+ dev eth0\\s+present").matcher(s).find(), s);
    assertTrue(s.contains("HOST     CHANGE  OBJECT"), s);
    assertEquals(proxiesBefore, Ip.run(lab.host("docker1").netns(), "-6", "neigh", "show", "proxy"));
    assertEquals("0", Ip.exec(lab.host("docker1").netns(), "sysctl", "-n", "net.ipv6.conf.eth0.proxy_ndp").out().strip());
    assertEquals("80", Ip.exec(lab.host("docker2").netns(), "sysctl", "-n", "net.ipv6.neigh.eth0.proxy_delay").out().strip());
  }

  @Test
  @Order(3)
  void tabCompletesHostMethods() {
    con.type("host('docker1').proxyE");
    con.key("Tab");
    con.await("proxyEntries() completed", s -> lastLine(s).equals("sixkit> host('docker1').proxyEntries()"),
        Duration.ofSeconds(10));
    con.key("Enter");
    String s = con.await("the result", x -> x.contains("[]") && lastLine(x).equals("sixkit>"), Duration.ofSeconds(30));

    con.type("host('docker2').rout");
    con.key("Tab");
    s = con.await("the route methods offered", x -> x.contains("routeTo") && x.contains("routes"), Duration.ofSeconds(10));
    assertTrue(s.contains("Host"), "grouped under the type: " + s);
    con.key("C-c");
    prompt();

    run("def h = host('docker2')");
    clear();
    con.type("h.interf");
    con.key("Tab");
    con.await("interfaces() completed from the variable's type", s2 -> lastLine(s2).equals("sixkit> h.interfaces()"),
        Duration.ofSeconds(10));
    con.key("Enter");
    s = con.await("the interfaces", x -> x.contains("rows)") && lastLine(x).equals("sixkit>"), Duration.ofSeconds(30));
    assertTrue(s.contains("eth0") && s.contains("docker0"), s);
  }

  @Test
  @Order(4)
  void tabCompletesTheWordsOfTheBlockTheCursorIsIn() {
    con.type("verif");
    con.key("Tab");
    con.await("verify completed at the top", s -> lastLine(s).startsWith("sixkit> verify"), Duration.ofSeconds(10));
    con.key("C-u");
    con.line("setup {");
    con.type("  spl");
    con.key("Tab");
    con.await("split completed in the setup block", s -> lastLine(s).matches("\\s*\\.\\.\\.>\\s+split"),
        Duration.ofSeconds(10));
    con.key("C-u");
    con.line("  host('x') {");
    con.type("    upl");
    con.key("Tab");
    con.await("uplink completed in the host block", s -> lastLine(s).matches("\\s*\\.\\.\\.>\\s+uplink"),
        Duration.ofSeconds(10));
    con.key("C-u");
    con.line("  }");
    con.line("  persist {");
    con.type("    daemon");
    con.key("Tab");
    con.await("daemonJson completed in the persist block", s -> lastLine(s).matches("\\s*\\.\\.\\.>\\s+daemonJson"),
        Duration.ofSeconds(10));
  }

  @Test
  @Order(5)
  void errorsNameTheLineOfTheEntry() {
    con.line("setup {");
    con.line("  underlay '2001:db8:ab11::/64'");
    con.line("  host('docker1') {");
    con.line("    uplnk 'eth0'");
    con.line("  }");
    con.line("}");
    String s = con.awaitText("error: line 4: unknown word 'uplnk' in a host block; did you mean uplink?");
    assertFalse(s.contains("Exception"), s);
    prompt();
  }

  @Test
  @Order(6)
  void resultsPrintAsTables() {
    String s = run("[[host: 'docker1', n: 1], [host: 'docker2', n: 22]]");
    assertTrue(s.contains("HOST     N") && s.contains("docker2  22") && s.contains("(2 rows)"), s);
    s = run("lab('" + lab.name() + "').hosts()");
    assertTrue(s.contains("NAME     INDEX  NETNS") && s.contains("docker2  2      " + lab.name() + "-docker2"), s);
  }

  @Test
  @Order(7)
  void historySurvivesARestart() throws Exception {
    String s = run("6 * 7");
    assertTrue(s.contains("\n42"), s);
    con.key("C-d");
    con.await("the console to end", x -> !con.alive(), Duration.ofSeconds(20));
    con.close();
    assertTrue(Files.readString(history).contains("6 * 7"), Files.readString(history));
    con = start();
    con.key("Up");
    con.await("the last line from the earlier session", x -> lastLine(x).equals("sixkit> 6 * 7"), Duration.ofSeconds(10));
    con.key("C-u");
  }

  @Test
  @Order(8)
  void labHostsAreUntouched() {
    for (LabHost h : lab.hosts()) {
      assertEquals("", Ip.run(h.netns(), "-6", "neigh", "show", "proxy").strip(), h.name());
    }
  }

  @Test
  @Order(9)
  void tabCompletesNamesInsideTheStringsOfNameWords() {
    String n = lab.name();
    con.type("lab('" + n.substring(0, n.length() - 1));
    con.key("Tab");
    con.await("the lab's name completed and the string closed", s -> lastLine(s).equals("sixkit> lab('" + n + "'"),
        Duration.ofSeconds(10));
    con.key("C-u");
    con.line("setup {");
    con.line("  host('docker2') {");
    con.type("    netns '" + n + "-d");
    con.key("Tab");
    // JLine may list the candidates under the line: look for the line, not at the last one
    con.await("the hosts' common prefix", s -> s.lines().anyMatch(l -> l.stripTrailing().matches(
        "\\s*\\.\\.\\.>\\s+netns '" + n + "-docker")), Duration.ofSeconds(10));
    con.type("2");
    con.key("Tab");
    con.await("the namespace completed", s -> s.lines().anyMatch(l -> l.stripTrailing().matches(
        "\\s*\\.\\.\\.>\\s+netns '" + n + "-docker2'")), Duration.ofSeconds(10));
    con.key("Enter");
    // docker0 exists in the lab host's namespace, not in this one: the netns above is the one read
    con.type("    uplink 'dock");
    con.key("Tab");
    con.await("the interface of that namespace", s -> s.lines().anyMatch(l -> l.stripTrailing().matches(
        "\\s*\\.\\.\\.>\\s+uplink 'docker0'")), Duration.ofSeconds(10));
    con.key("C-c");
    prompt();

    // All the names, compared with what ip reads
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter()), false, false)) {
      ConsoleCompleter c = new ConsoleCompleter(new ScriptRunner(session, List.of()).binding());
      String hostBlock = "setup {\n  host('docker2') {\n    netns '" + n + "-docker2'\n";
      Set<String> ifnames = new TreeSet<>();
      Ip.json(n + "-docker2", "link", "show").forEach(l -> ifnames.add(l.get("ifname").asText()));
      assertEquals(ifnames, names(c, hostBlock + "    uplink '"));
      assertEquals(Set.of("eth0"), names(c, hostBlock + "    uplink(\"et"));
      assertEquals(List.of("eth0'"), c.candidates(hostBlock + "    uplink 'et", (hostBlock + "    uplink 'et").length())
          .stream().map(Candidate::value).toList());
      Set<String> labNamespaces = Ip.run(null, "netns", "list").lines().map(l -> l.split(" ")[0])
          .filter(x -> x.startsWith(n + "-")).collect(Collectors.toCollection(TreeSet::new));
      assertTrue(labNamespaces.containsAll(List.of(n + "-docker1", n + "-docker2")), labNamespaces.toString());
      assertEquals(labNamespaces, names(c, hostBlock + "    netns '" + n + "-"));
      assertEquals(Set.of(n), names(c, "lab('" + n));
      assertEquals(Set.of(), names(c, "println '" + n), "a string no name word takes");
    }
  }

  private static Set<String> names(ConsoleCompleter c, String buffer) {
    return c.candidates(buffer, buffer.length()).stream().map(Candidate::displ).collect(Collectors.toCollection(TreeSet::new));
  }
}
