package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Table;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The setup language without hosts: the Java core's checks (each word checks its value at once,
 * the block checks what it must say), the same through Groovy with script lines, and the words'
 * metadata. Nothing here reads or touches a host.
 */
class SetupSpecTest {

  private static DslException javaError(java.util.function.Consumer<SetupSpec> body) {
    return assertThrows(DslException.class, () -> Setup.of(body));
  }

  @Test
  void javaCoreChecksEachWordAndNamesTheCallersLine() {
    DslException e = javaError(s -> s.underlay("2001:db8:ab11::/96"));
    assertEquals("underlay: 2001:db8:ab11::/96 is longer than /64; IPv6 links are /64", e.detail());
    assertEquals("SetupSpecTest.java", e.file().orElseThrow(), "the caller's file, outside the DSL");
    assertTrue(e.line() > 0);

    assertEquals("split: /64 does not work: the parts must be longer than the /64 underlay and at most /80"
        + " (Docker derives container addresses from 48-bit MACs)", javaError(s -> s.split(64)).detail());
    assertEquals("mode: 'sideways' is not a mode; use ndpProxy or routed", javaError(s -> s.mode("sideways")).detail());
    assertEquals("host h1: 'not a netns!' is not a network namespace name",
        javaError(s -> s.host("h1", h -> h.netns("not a netns!"))).detail());
    assertEquals("host h1: 'eth0/1' is not an interface name (1 to 15 characters, no '/', ':' or blanks)",
        javaError(s -> s.host("h1", h -> h.uplink("eth0/1"))).detail());
    assertEquals("host h1 is already reached as netns a; a host has one place (local(), netns 'NAME', ssh 'root@HOST', ...)",
        javaError(s -> s.host("h1", h -> h.netns("a").local())).detail());
  }

  @Test
  void networkWordChecksItsNameAndSubnet() {
    assertEquals("host h1: network 'bad name': 'bad name' is not a Docker network name (letters, digits, '_', '.', '-')",
        javaError(s -> s.host("h1", h -> h.network("bad name"))).detail());
    assertTrue(javaError(s -> s.host("h1", h -> h.network("web6", "2001:db8::"))).detail()
        .startsWith("host h1: network 'web6': '2001:db8::' has no prefix length"));
    assertEquals("host h1: network 'web6' is declared twice",
        javaError(s -> s.host("h1", h -> h.network("web6").network("web6"))).detail());
  }

  @Test
  void javaCoreChecksTheWholeSetup() {
    assertEquals("setup sixkit has no underlay: add underlay '2001:db8:ab11::/64' (the prefix the hosts share on their"
        + " uplinks)", javaError(s -> s.mode(Mode.ROUTED)).detail());
    assertEquals("setup sixkit has no mode: add mode ndpProxy or mode routed",
        javaError(s -> s.underlay("2001:db8:ab11::/64")).detail());
    assertEquals("host h1 does not say where it is: add netns 'NAME', ssh 'root@HOST' or local() to its block",
        javaError(s -> s.underlay("2001:db8:ab11::/64").mode(Mode.NDP_PROXY).host("h1", h -> h.uplink("eth0")))
            .detail());
    assertTrue(javaError(s -> s.underlay("2001:db8:ab11::/64").mode(Mode.ROUTED)
        .host("h1", h -> h.netns("x").uplink("eth0"))).detail().startsWith("host h1 has no Docker prefix"));
    // every address given: the prefix plan is checked at once (here: a Docker prefix inside the underlay, routed)
    assertEquals("h1's Docker prefix 2001:db8:ab11::/80 overlaps the underlay 2001:db8:ab11::/64: in routed mode each"
        + " host's prefix must be routed, not on-link",
        javaError(s -> s.underlay("2001:db8:ab11::/64").mode(Mode.ROUTED)
            .host("h1", h -> h.netns("x").uplink("eth0").address("2001:db8:ab11::1").prefix("2001:db8:ab11::/80")))
            .detail());
    assertTrue(javaError(s -> s.underlay("2001:db8:ab11::/64").mode(Mode.NDP_PROXY)
        .host("h1", h -> h.netns("x").uplink("eth0")).persist(p -> { })).detail()
        .startsWith("persist: host h1 (netns x) shares this machine's /etc"));
  }

  @Test
  void aValidSetupDescribesItselfWithoutReadingAnyHost() {
    try (Setup s = Setup.of(spec -> spec.name("t").underlay("2001:db8:ab11::/64").mode(Mode.NDP_PROXY).split(66)
        .host("docker1", h -> h.netns("nowhere-1").uplink("eth0").address("2001:db8:ab11::1"))
        .host("docker2", h -> h.netns("nowhere-2").uplink("eth0").docker("unix:///nowhere.sock")))) {
      assertEquals(List.of("docker1", "docker2"), s.hostNames());
      assertEquals(Mode.NDP_PROXY, s.mode());
      assertEquals("2001:db8:ab11::/64", s.underlay());
      String t = s.toString();
      assertTrue(t.startsWith("setup t: NDP proxy on 2001:db8:ab11::/64, split /66\nHOST"), t);
      assertTrue(t.contains("docker1  netns nowhere-1  eth0    2001:db8:ab11::1"), t);
      assertTrue(t.contains("(read)"), t);
    }
  }

  @Test
  void groovyErrorsNameTheScriptLine() {
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter()), false, false)) {
      ScriptRunner r = new ScriptRunner(session, List.of());
      DslException e = assertThrows(DslException.class, () -> r.evaluate("""
          setup {
            underlay '2001:db8:ab11::/64'
            mode routed
            host('a') {
              netns 'x'
              uplink 'eth0'
              prefx '2001:db8:cd11::/64'
            }
          }
          """, "t.groovy"));
      assertEquals("t.groovy", e.file().orElseThrow());
      assertEquals(7, e.line());
      assertTrue(e.detail().startsWith("unknown word 'prefx' in a host block; did you mean prefix?"), e.detail());

      e = assertThrows(DslException.class, () -> r.evaluate("plan()", "t2.groovy"));
      assertEquals("plan() needs a setup first: setup { underlay '...'; mode ...; host('...') { ... } }", e.detail());

      e = assertThrows(DslException.class, () -> r.evaluate("setup {\n  underlay '2001:db8::/64'\n  mode 42\n}", "t3.groovy"));
      assertEquals(3, e.line());
      assertTrue(e.detail().startsWith("wrong value for mode in the setup block"), e.detail());
    }
  }

  @Test
  void wordsCarryTheirUsage() {
    assertEquals(List.of("address", "connector", "docker", "local", "netns", "network", "prefix", "ssh", "uplink", "web"),
        Words.names(HostSpec.class));
    assertEquals("uplink 'eth0'", Words.find(HostSpec.class, "uplink").usage());
    assertEquals("uplink", Words.closest("uplnk", Words.names(HostSpec.class)));
    assertEquals("split", Words.closest("splt", Words.names(SetupSpec.class)));
    assertEquals(null, Words.closest("zzzzzz", Words.names(SetupSpec.class)));
  }

  record Row(String host, int n, java.util.Optional<String> note) {}

  @Test
  void tablesOfRecordsMapsAndValues() {
    assertEquals("HOST  N   NOTE\na     1   x\nbb    22", Table.from(List.of(new Row("a", 1, java.util.Optional.of("x")),
        new Row("bb", 22, java.util.Optional.empty()))).toString());
    assertEquals("KEY  VALUE\nk    v", Table.from(java.util.Map.of("k", "v")).toString());
    assertEquals("VALUE\n1\n2", Table.from(List.of(1, 2)).toString());
    assertEquals("(none)", Table.from(List.of()).toString());
  }
}
