package dev.sixkit.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.GroovySource;
import dev.sixkit.dsl.groovy.ScriptRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Parser;
import org.junit.jupiter.api.Test;

/** The console's pieces without a terminal: the source scanner, completion, result printing. */
class ConsolePartsTest {

  @Test
  void anUnfinishedBufferAsksForMoreLines() {
    assertTrue(GroovySource.unfinished("setup {"));
    assertTrue(GroovySource.unfinished("setup {\n  host('a') {\n  }"));
    assertFalse(GroovySource.unfinished("setup {\n  host('a') { uplink 'eth0' }\n}"));
    assertFalse(GroovySource.unfinished("println '{ not a brace'"));
    assertFalse(GroovySource.unfinished("x = 1 // { in a comment"));
    assertTrue(GroovySource.unfinished("s = '''several\nlines"));
    assertTrue(GroovySource.unfinished("[1, 2,"));
    assertTrue(GroovySource.unfinished("/* open"));
    assertEquals(2, GroovySource.scan("a = 1\nsetup {\n  x()\n").openLine());
  }

  @Test
  void theBlockUnderTheCursor() {
    assertEquals("", GroovySource.block("pl"));
    assertEquals("setup", GroovySource.block("setup('x') {\n  spl"));
    assertEquals("host", GroovySource.block("setup {\n  ['a'].each { n ->\n    host(n) {\n      upl"));
    assertEquals("persist", GroovySource.block("setup {\n  persist {\n    "));
    assertEquals("setup", GroovySource.block("setup {\n  host('a') { uplink 'eth0' }\n  "));
  }

  @Test
  void topLevelDefsLiveOnInTheBinding() {
    assertEquals("x = 1", GroovySource.keepVariables("def x = 1"));
    assertEquals("h = host('a')\nh.routes()", GroovySource.keepVariables("var h = host('a')\nh.routes()"));
    assertEquals("setup {\n  def x = 1\n}", GroovySource.keepVariables("setup {\n  def x = 1\n}"));
    assertEquals("def f(x) { x }", GroovySource.keepVariables("def f(x) { x }"));
    assertEquals("def x == 1", GroovySource.keepVariables("def x == 1"));
  }

  private static List<String> values(ConsoleCompleter c, String buffer) {
    return c.candidates(buffer, buffer.length()).stream().map(Candidate::value).toList();
  }

  @Test
  void completionOffersTheWordsOfTheBlockAndTheMethodsAfterADot() {
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter()), false, false)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      ConsoleCompleter c = new ConsoleCompleter(r.binding());
      assertEquals(List.of("setup"), values(c, "set"));
      assertEquals(List.of("split", "stateDir"), values(c, "setup {\n  s"));
      assertEquals(List.of("uplink"), values(c, "setup {\n  host('a') {\n    up"));
      assertEquals(List.of("routed"), values(c, "setup {\n  mode ro"));
      assertEquals(List.of("proxyEntries()", "proxyNdp("), values(c, "host('docker1').proxy"));
      assertEquals(List.of("containers()", "container("), values(c, "host('docker1').docker().contain").stream()
          .sorted(java.util.Comparator.reverseOrder()).toList());
      assertTrue(values(c, "plan().").contains("changes("), values(c, "plan().").toString());
      assertEquals(List.of(), values(c, "println 'host('a').pro"), "nothing inside a string");
      r.evaluate("hosts = ['a', 'b']", "t.groovy");
      assertEquals(List.of("hosts"), values(c, "hos").stream().filter(v -> v.equals("hosts")).toList());
      assertTrue(values(c, "hosts.si").contains("size()"), values(c, "hosts.si").toString());
      assertEquals(List.of("host('a')", "docker()"), ConsoleCompleter.chain("x = host('a').docker()"));
    }
  }

  @Test
  void inAStringTheWordIsTheTextFromTheQuoteAndTheHostBlockNamesTheNamespace() {
    ConsoleParser p = new ConsoleParser();
    String b = "setup {\n  host('a') {\n    netns 'sxt-a1'\n    uplink 'et";
    assertEquals("et", p.parse(b, b.length(), Parser.ParseContext.COMPLETE).word());
    assertEquals("sxt-a", p.parse("  netns('sxt-a", 14, Parser.ParseContext.COMPLETE).word());
    assertEquals("proxy", p.parse("host('a').proxy", 15, Parser.ParseContext.COMPLETE).word());
    assertEquals("sxt-a1", NameCandidates.netnsOfHostBlock(b));
    assertEquals(null, NameCandidates.netnsOfHostBlock("setup {\n  host('a') { netns 'x' }\n  host('b') {\n    "));
    assertEquals(-1, NameCandidates.openingQuote("x = '''lines\n"));
  }

  record Pair(String a, int b) {}

  @Test
  void resultsPrintAsTables() {
    assertEquals("A  B\nx  1\n(1 row)", Results.format(List.of(new Pair("x", 1))));
    assertEquals("KEY  VALUE\nk    2", Results.format(java.util.Map.of("k", 2)));
    assertEquals("[1, 2]", Results.format(List.of(1, 2)));
    assertEquals(null, Results.format(null));
    assertEquals("Pair[a=y, b=2]", Results.format(new Pair("y", 2)));
  }
}
