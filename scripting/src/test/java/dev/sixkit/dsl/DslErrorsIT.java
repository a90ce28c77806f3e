package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.cli.Main;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad scripts, each run with {@code ./sixkit run FILE LAB} against a real lab: exit status 1, one
 * clear error naming the script line, and no change on any host (ip -json and sysctl read before
 * and after). Every script ends with apply(), so a check that did not stop it would show.
 */
class DslErrorsIT {
  private static Lab lab;
  private static Map<String, String> pristine;

  @BeforeAll
  static void up() {
    Root.require();
    lab = Lab.builder().engine(Engine.V20_10).name(LabWitness.labName("sxe")).hosts(2).mode(Mode.NDP_PROXY)
        .progress(m -> System.out.println("lab: " + m)).up();
    pristine = LabWitness.snapshot(lab);
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
    }
  }

  /** Runs a bad script; returns stderr after checking the exit status and that nothing changed. */
  private static String fails(String script) throws URISyntaxException {
    Path file = Path.of(DslErrorsIT.class.getResource("/bad/" + script).toURI());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "run", file.toString(), lab.name());
    String e = err.toString().strip();
    System.out.println(script + " -> " + e);
    assertEquals(Main.FAILURE, rc, "exit status; stderr: " + e + "\nstdout: " + out);
    // One line of error; a list of problems follows it indented.
    assertTrue(e.lines().skip(1).allMatch(l -> l.startsWith("  ")), "one error, then indented details: " + e);
    assertEquals(pristine, LabWitness.snapshot(lab), "no host may change");
    assertTrue(!Files.exists(Path.of("/var/lib/sixkit/dsl", lab.name(), "last-apply.json")), "nothing recorded as applied");
    return e;
  }

  @Test
  void withJsonTheErrorAndItsLineAreInTheDocument() throws Exception {
    Path file = Path.of(DslErrorsIT.class.getResource("/bad/host-twice.groovy").toURI());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "run", "--json", file.toString(),
        lab.name());
    assertEquals(Main.FAILURE, rc, err.toString());
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    assertEquals(false, j.get("ok").asBoolean());
    assertEquals("host-twice.groovy:12: host docker1 is defined twice (first at host-twice.groovy:7)",
        j.get("error").asText());
    assertEquals(0, j.get("steps").size(), "nothing ran");
    assertEquals(pristine, LabWitness.snapshot(lab), "no host may change");
  }

  @Test
  void unknownKeyword() throws Exception {
    assertEquals("sixkit: unknown-keyword.groovy:9: unknown word 'uplnk' in a host block; did you mean uplink? "
        + "(words here: address, connector, docker, local, netns, network, prefix, ssh, uplink, web)", fails("unknown-keyword.groovy"));
  }

  @Test
  void invalidPrefix() throws Exception {
    String e = fails("invalid-prefix.groovy");
    assertTrue(e.startsWith("sixkit: invalid-prefix.groovy:4: underlay: '2001:db8:zz11::/64' is not a valid IPv6 prefix"), e);
  }

  @Test
  void invalidDockerPrefix() throws Exception {
    assertEquals("sixkit: invalid-docker-prefix.groovy:16: host docker2: the Docker prefix 2001:db8:ef11::/96 is longer"
        + " than /80 (Docker derives container addresses from 48-bit MACs)", fails("invalid-docker-prefix.groovy"));
  }

  @Test
  void hostDefinedTwice() throws Exception {
    assertEquals("sixkit: host-twice.groovy:12: host docker1 is defined twice (first at host-twice.groovy:7)",
        fails("host-twice.groovy"));
  }

  @Test
  void missingUplink() throws Exception {
    assertEquals("sixkit: missing-uplink.groovy:12: host docker2 has no uplink: add uplink 'eth0' (the interface facing"
        + " the other hosts) to its block", fails("missing-uplink.groovy"));
  }

  @Test
  void wrongValue() throws Exception {
    assertEquals("sixkit: wrong-value.groovy:6: wrong value for split in the setup block: write it as split 66"
        + " (got 'sixty-six')", fails("wrong-value.groovy"));
  }

  @Test
  void unknownMode() throws Exception {
    String e = fails("unknown-mode.groovy");
    assertTrue(e.startsWith("sixkit: unknown-mode.groovy:5: unknown word 'rooted' in the setup block; did you mean routed?"),
        e);
  }

  @Test
  void syntaxError() throws Exception {
    assertEquals("sixkit: syntax-error.groovy:3: syntax error: this line opens a block or bracket that is never closed"
        + " (a '}' is missing)", fails("syntax-error.groovy"));
  }

  @Test
  void runningDaemonDisagreesWithThePlan() throws Exception {
    String e = fails("dockerd-disagrees.groovy");
    assertTrue(e.startsWith("sixkit: dockerd-disagrees.groovy:18: cannot apply setup " + lab.name()
        + ", nothing was changed:"), e);
    assertTrue(e.contains("docker1: dockerd runs with --fixed-cidr-v6=2001:db8:ab11:0:8000::/66 but the plan gives it"
        + " 2001:db8:ab11:0:c000::/67; restart it with dockerd --ipv6 --fixed-cidr-v6=2001:db8:ab11:0:c000::/67"
        + " (sixkit never restarts a running daemon)"), e);
  }

  /** Runs a script through ./sixkit run with the options given; returns exit status, stdout, stderr. */
  private static String[] run(String script, String... options) throws URISyntaxException {
    Path file = Path.of(DslErrorsIT.class.getResource("/bad/" + script).toURI());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run"));
    args.addAll(java.util.List.of(options));
    args.add(file.toString());
    args.add(lab.name());
    int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    return new String[] {Integer.toString(rc), out.toString(), err.toString().strip()};
  }

  @Test
  void aDryRunRefusesExactlyAsTheRunWithTheSameExitAndJson() throws Exception {
    // Issue 13 item 3: --plan must not say "would make the changes" when the run refuses.
    String[] real = run("dockerd-disagrees.groovy");
    String[] dry = run("dockerd-disagrees.groovy", "--plan");
    assertEquals(Integer.toString(Main.FAILURE), real[0], real[2]);
    assertEquals(real[0], dry[0], dry[2]);
    assertEquals(real[2], dry[2], "the same error");
    assertTrue(!dry[1].contains("would make"), dry[1]);
    com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode realJson = m.readTree(run("dockerd-disagrees.groovy", "--json")[1]);
    com.fasterxml.jackson.databind.JsonNode dryJson = m.readTree(run("dockerd-disagrees.groovy", "--json", "--plan")[1]);
    assertEquals(false, realJson.get("ok").asBoolean());
    assertEquals(false, dryJson.get("ok").asBoolean(), dryJson.toString());
    assertEquals(realJson.get("error"), dryJson.get("error"));
    assertEquals(pristine, LabWitness.snapshot(lab), "no host may change");
  }

  @Test
  void aPlanWithProblemsExitsOne() throws Exception {
    String[] r = run("plan-only-disagrees.groovy");
    assertEquals(Integer.toString(Main.FAILURE), r[0], r[1] + r[2]);
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(run("plan-only-disagrees.groovy", "--json")[1]);
    assertEquals(false, j.get("ok").asBoolean(), j.toString());
  }
}
