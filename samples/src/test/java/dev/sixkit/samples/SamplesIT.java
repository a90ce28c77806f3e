package dev.sixkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.ChildJvm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.cli.Main;
import dev.sixkit.docker.Docker;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every sample against real labs (one NDP proxy lab, one routed lab): the two Groovy recipes
 * through ./sixkit run (--plan, then plan/apply/verify, then undo), the JShell walk-through
 * through ./sixkit jshell, and the Java application. Each leaves its lab as it found it, which
 * ip -json checks.
 */
class SamplesIT {
  private static Lab ndp;
  private static Lab routed;

  @BeforeAll
  static void up() {
    Root.require();
    ndp = Lab.builder().engine(Engine.V20_10).name(name("sxsn")).hosts(2).mode(Mode.NDP_PROXY).progress(m -> System.out.println("ndp lab: " + m))
        .up();
    routed = Lab.builder().engine(Engine.V20_10).name(name("sxsr")).hosts(2).mode(Mode.ROUTED)
        .progress(m -> System.out.println("routed lab: " + m)).up();
  }

  @AfterAll
  static void down() throws IOException {
    for (Lab l : new Lab[] {ndp, routed}) {
      if (l != null) {
        Lab.down(l.name(), LabProgress.silent());
        Path journal = Path.of("/var/lib/sixkit/dsl", l.name());
        assertFalse(Files.exists(journal.resolve("last-apply.json")), "every sample undid its apply");
        Files.deleteIfExists(journal);
      }
    }
  }

  private static String name(String prefix) {
    return prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
  }

  /** What the recipes touch, per host, as ip and sysctl see it. */
  private static String state(Lab lab) {
    TreeMap<String, String> m = new TreeMap<>();
    for (LabHost h : lab.hosts()) {
      List<String> routes = new ArrayList<>();
      for (JsonNode r : Ip.json(h.netns(), "-6", "route", "show")) {
        routes.add(r.path("dst").asText() + " " + r.path("gateway").asText() + " " + r.path("dev").asText());
      }
      List<String> proxies = new ArrayList<>();
      for (JsonNode n : Ip.json(h.netns(), "-6", "neigh", "show", "proxy")) {
        proxies.add(n.path("dst").asText() + " " + n.path("dev").asText());
      }
      m.put(h.name(), "routes " + routes + " proxies " + proxies + " proxy_ndp "
          + Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.conf.eth0.proxy_ndp").out().strip() + " proxy_delay "
          + Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.neigh.eth0.proxy_delay").out().strip());
    }
    return m.toString();
  }

  private static String web(Lab lab, String host) {
    try (Docker d = Docker.connect(lab.host(host).dockerEndpoint())) {
      return d.container(lab.host(host).webContainer()).ipv6().orElseThrow().toCanonicalString();
    }
  }

  private static JsonNode json(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON on stdout: " + text, e);
    }
  }

  /** ./sixkit run FILE ARGS... in this JVM; returns stdout, after checking the exit status. */
  private static String run(int expected, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> a = new ArrayList<>(List.of("run"));
    a.addAll(List.of(args));
    int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), a.toArray(String[]::new));
    System.out.println(out);
    assertEquals(expected, rc, "exit status of run " + String.join(" ", args) + "; stderr: " + err + "\nstdout: " + out);
    return out.toString();
  }

  @Test
  void ndpProxyRecipe() {
    String before = state(ndp);
    String planned = run(0, "groovy/ndp-proxy.groovy", ndp.name(), "--plan");
    assertTrue(planned.contains("6 changes (docker1 3, docker2 3)") && planned.contains("apply: not applied (--plan)")
        && planned.contains("verify: skipped (--plan)"), planned);
    assertEquals(before, state(ndp), "--plan changes nothing");

    String done = run(0, "groovy/ndp-proxy.groovy", ndp.name());
    assertTrue(done.contains("apply: 6 changes made (docker1 3, docker2 3)"), done);
    assertTrue(done.contains("apply: nothing to change on docker1, docker2"), done);
    assertTrue(done.contains("verify: 2 of 2 pairs answer ping6 and HTTP"), done);
    assertEquals(List.of(web(ndp, "docker1")), Ip.json(ndp.host("docker1").netns(), "-6", "neigh", "show", "proxy")
        .findValuesAsText("dst"));

    String undone = run(0, "groovy/ndp-proxy.groovy", ndp.name(), "undo");
    assertTrue(undone.contains("undo: 6 changes made"), undone);
    assertEquals(before, state(ndp));
  }

  @Test
  void routedRecipe() {
    String before = state(routed);
    JsonNode planned = json(run(0, "--json", "groovy/routed.groovy", routed.name(), "--plan"));
    assertEquals(before, state(routed), "--plan changes nothing");
    assertTrue(planned.get("ok").asBoolean() && planned.get("planOnly").asBoolean(), planned.toString());
    JsonNode plan = planned.get("steps").get(0);
    assertEquals("plan", plan.get("step").asText());
    assertTrue(plan.get("changes").size() > 0, plan.toString());
    assertTrue(plan.get("changes").findValuesAsText("object").stream().anyMatch(o -> o.contains("2001:db8:ef11::/64")),
        plan.toString());

    String done = run(0, "groovy/routed.groovy", routed.name());
    assertTrue(done.contains("verify: 2 of 2 pairs answer ping6 and HTTP"), done);
    // run again as JSON: nothing left to change, and every pair answers, read from real pings and HTTP
    JsonNode again = json(run(0, "--json", "groovy/routed.groovy", routed.name()));
    JsonNode apply = null;
    JsonNode verify = null;
    for (JsonNode st : again.get("steps")) {
      if (st.get("step").asText().equals("apply")) {
        apply = st;
      } else if (st.get("step").asText().equals("verify")) {
        verify = st;
      }
    }
    assertTrue(apply != null && apply.get("ok").asBoolean() && apply.get("changes").isEmpty(), again.toString());
    assertTrue(verify != null && verify.get("ok").asBoolean() && verify.get("checks").size() == 2, again.toString());
    for (JsonNode c : verify.get("checks")) {
      assertTrue(c.get("ping").asBoolean() && c.get("http").asBoolean(), c.toString());
    }
    assertEquals(java.util.Set.of(web(routed, "docker1"), web(routed, "docker2")),
        new java.util.TreeSet<>(verify.get("checks").findValuesAsText("toAddress")));
    assertEquals("2001:db8:ab11::2", Ip.json(routed.host("docker1").netns(), "-6", "route", "show", "2001:db8:ef11::/64")
        .get(0).path("gateway").asText());
    Path persisted = Path.of("/run/sixkit/lab", routed.name(), "docker2/persist/etc/sixkit", routed.name() + ".ipbatch");
    assertTrue(Files.exists(persisted), "the routes are persisted too");

    run(0, "groovy/routed.groovy", routed.name(), "undo");
    assertEquals(before, state(routed));
    assertFalse(Files.exists(persisted));
  }

  @Test
  void jshellWalkThrough() throws Exception {
    String before = state(ndp);
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(ChildJvm.java("-cp", cp,
        "dev.sixkit.cli.Main", "jshell", "--lab", ndp.name(), "jshell/walkthrough.jsh")).redirectErrorStream(true).start();
    p.getOutputStream().write("/exit\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("web1 running at " + web(ndp, "docker1")), out);
    assertTrue(out.contains("6 changes (docker1 3, docker2 3); nothing is changed until apply()"), out);
    assertTrue(out.contains("apply: nothing to change on docker1, docker2"), out);
    assertTrue(out.contains("verify: 2 of 2 pairs answer ping6 and HTTP"), out);
    assertTrue(out.contains("walk-through done"), out);
    assertFalse(out.contains("Exception"), out);
    assertEquals(before, state(ndp));
  }

  @Test
  void javaApplication() {
    String before = state(ndp);
    Map<String, String> delays = new TreeMap<>();
    for (LabHost h : ndp.hosts()) {
      delays.put(h.netns(), Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.neigh.eth0.proxy_delay").out().strip());
    }
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      assertEquals(1, ProxyCheck.run(new String[] {ndp.name()}, new PrintStream(b, true, StandardCharsets.UTF_8)));
      String out = b.toString(StandardCharsets.UTF_8);
      assertTrue(out.contains("web1 " + web(ndp, "docker1") + ": proxy entry MISSING"), out);
      assertEquals(before, state(ndp), "without --fix it only looks");

      b.reset();
      assertEquals(0, ProxyCheck.run(new String[] {ndp.name(), "--fix"}, new PrintStream(b, true, StandardCharsets.UTF_8)));
      out = b.toString(StandardCharsets.UTF_8);
      assertTrue(out.contains("OK: every container answers every other (2 pairs)"), out);
      for (LabHost h : ndp.hosts()) {
        // --fix answers proxied solicitations at once, as a plan does
        assertEquals("0", Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.neigh.eth0.proxy_delay").out().strip(), h.name());
      }
      assertEquals(List.of(web(ndp, "docker2")), Ip.json(ndp.host("docker2").netns(), "-6", "neigh", "show", "proxy")
          .findValuesAsText("dst"));

      b.reset();
      assertEquals(0, ProxyCheck.run(new String[] {ndp.name()}, new PrintStream(b, true, StandardCharsets.UTF_8)));
      assertEquals(2, ProxyCheck.run(new String[] {routed.name()}, new PrintStream(b, true, StandardCharsets.UTF_8)));
    } finally {
      // the application has no undo: put the lab back as it was
      for (LabHost h : ndp.hosts()) {
        for (JsonNode n : Ip.json(h.netns(), "-6", "neigh", "show", "proxy")) {
          Ip.run(h.netns(), "-6", "neigh", "del", "proxy", n.path("dst").asText(), "dev", n.path("dev").asText());
        }
        Ip.exec(h.netns(), "sysctl", "-q", "-w", "net.ipv6.conf.eth0.proxy_ndp=0",
            "net.ipv6.neigh.eth0.proxy_delay=" + delays.get(h.netns()));
      }
    }
    assertEquals(before, state(ndp));
  }

  @Test
  void javaSetupWithTheSdkAloneOnItsClassPath() throws Exception {
    String before = state(routed);
    Path lib = Path.of("target/sample-lib");
    try (var jars = Files.list(lib)) {
      List<String> names = jars.map(j -> j.getFileName().toString()).toList();
      assertTrue(names.stream().anyMatch(n -> n.startsWith("sdk-0")), names.toString());
      assertFalse(names.stream().anyMatch(n -> n.startsWith("scripting") || n.startsWith("groovy")), names.toString());
    }
    Path stateDir = Files.createTempDirectory("sixkit-sample-state");
    Process p = new ProcessBuilder(ChildJvm.java("-cp",
        "target/classes:" + lib + "/*", "dev.sixkit.samples.RoutedSetup", routed.name(), stateDir.toString()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("route 2001:db8:ef11::/64") && out.contains("apply: 2 changes made"), out);
    assertTrue(out.contains("verify: 2 of 2 pairs answer ping6 and HTTP"), out);
    assertTrue(out.contains("scripting on the class path: no"), out);
    assertEquals(before, state(routed), "undo put the lab back");
  }
}
