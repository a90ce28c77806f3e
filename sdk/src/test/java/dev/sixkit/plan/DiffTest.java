package dev.sixkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.NetworkAttachment;
import dev.sixkit.doctor.Fact;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NudState;
import dev.sixkit.netlink.Protocols;
import dev.sixkit.netlink.Route;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The diff is a pure function of the desired setup and the host states: these tests build states
 * by hand and need no kernel, no Docker and no root.
 */
class DiffTest {
  private static final String UNDERLAY = "2001:db8:ab11::/64";

  // ------------------------------------------------------------------ builders

  private static DesiredSetup ndp() {
    return new DesiredSetup("t", Mode.NDP_PROXY, Prefixes.prefix(UNDERLAY), 66, List.of(
        new HostEntry("docker1", HostConnector.netns("t-docker1"), "eth0", "2001:db8:ab11::1", "unix:///d1.sock", null,
            List.of(), ""),
        new HostEntry("docker2", HostConnector.netns("t-docker2"), "eth0", "2001:db8:ab11::2", "unix:///d2.sock", null,
            List.of(), "")), null, "/tmp/sixkit-difftest");
  }

  private static DesiredSetup routed() {
    return new DesiredSetup("t", Mode.ROUTED, Prefixes.prefix(UNDERLAY), 0, List.of(
        new HostEntry("docker1", HostConnector.netns("t-docker1"), "eth0", "2001:db8:ab11::1", "unix:///d1.sock",
            "2001:db8:cd11::/64", List.of(), ""),
        new HostEntry("docker2", HostConnector.netns("t-docker2"), "eth0", "2001:db8:ab11::2", "unix:///d2.sock",
            "2001:db8:ef11::/64", List.of(), "")), null, "/tmp/sixkit-difftest");
  }

  private static DaemonFacts daemon(String fixedCidr) {
    IPAddress p = new IPAddressString(fixedCidr).getAddress();
    return new DaemonFacts("20.10.24", "1.41", "1.12", "1.41", "linux", "6", "overlay2",
        new Fact<>(true, Fact.Source.ENGINE_API), Optional.of(new Fact<>(p, Fact.Source.ENGINE_API)),
        new Fact<>(true, Fact.Source.DEFAULT), new Fact<>(false, Fact.Source.DEFAULT), new Fact<>(false, Fact.Source.DEFAULT));
  }

  private static Container container(String name, String state, String address) {
    NetworkAttachment n = new NetworkAttachment("bridge", "", Optional.of(Prefixes.address(address)), 66, Optional.empty(),
        Optional.empty(), 0, Optional.empty(), "");
    return new Container(name + "-id", name, "sixkit/web", state, List.of(n), List.of());
  }

  private static Neighbour proxy(String address, int protocol) {
    return new Neighbour(IpAddresses.parse(address), 2, "eth0", null, NudState.NONE, Neighbour.NTF_PROXY, protocol);
  }

  private static Route route(String dst, String via, int metric) {
    return new Route(IpPrefix.parse(dst), via == null ? null : IpAddresses.parse(via), 2, "eth0", metric,
        Route.TABLE_MAIN, Route.PROTO_STATIC, 0, Route.TYPE_UNICAST, null);
  }

  private static HostState state(String host, String address, String forwarding, String proxyNdp, List<Route> routes,
      List<Neighbour> proxies, DaemonFacts daemon, List<Container> containers) {
    return new HostState(host, null, true, List.of(address), forwarding, proxyNdp, routes, proxies, daemon, containers,
        null, Map.of());
  }

  private static Map<String, HostState> states(HostState... s) {
    Map<String, HostState> m = new LinkedHashMap<>();
    for (HostState x : s) {
      m.put(x.host(), x);
    }
    return m;
  }

  private static List<String> objects(Plan p, String host) {
    List<String> out = new ArrayList<>();
    p.changes(host).forEach(c -> out.add(c.kind().sign() + " " + c.object() + (c.after().isEmpty() ? "" : " -> " + c.after())));
    return out;
  }

  private static final String D1 = "2001:db8:ab11:0:8000::/66";
  private static final String D2 = "2001:db8:ab11:0:c000::/66";

  // ------------------------------------------------------------------ NDP proxy

  @Test
  void freshNdpHostsGetForwardingProxyNdpAndOneEntryPerLiveContainer() {
    Plan p = Diff.plan(ndp(), states(
        state("docker1", "2001:db8:ab11::1", "0", "0", List.of(), List.of(), daemon(D1), List.of(
            container("web1", "running", "2001:db8:ab11:0:8000::2"),
            container("web3", "paused", "2001:db8:ab11:0:8000::3"),
            container("old", "exited", "2001:db8:ab11:0:8000::4"))),
        state("docker2", "2001:db8:ab11::2", "1", "1", List.of(), List.of(), daemon(D2), List.of())));
    assertTrue(p.problems().isEmpty(), p.problems().toString());
    assertEquals(List.of("~ sysctl net.ipv6.conf.all.forwarding -> 1", "~ sysctl net.ipv6.conf.eth0.proxy_ndp -> 1",
        "+ proxy 2001:db8:ab11:0:8000::2 dev eth0 -> present", "+ proxy 2001:db8:ab11:0:8000::3 dev eth0 -> present"),
        objects(p, "docker1"));
    assertEquals(List.of(), objects(p, "docker2"));
  }

  @Test
  void ndpPlansSetProxyDelayToZeroAndUndoRestoresIt() {
    HostState d1 = new HostState("docker1", null, true, List.of("2001:db8:ab11::1"), "1", "1", "80", List.of(),
        List.of(), daemon(D1), List.of(), null, Map.of(), null);
    HostState d2 = new HostState("docker2", null, true, List.of("2001:db8:ab11::2"), "1", "1", "0", List.of(),
        List.of(), daemon(D2), List.of(), null, Map.of(), null);
    Plan p = Diff.plan(ndp(), states(d1, d2));
    assertEquals(List.of("~ sysctl net.ipv6.neigh.eth0.proxy_delay -> 0"), objects(p, "docker1"));
    assertEquals(List.of(), objects(p, "docker2"), "already 0: nothing to do");
    assertTrue(p.toString().contains("net.ipv6.neigh.eth0.proxy_delay"), p.toString());
    Step step = p.steps().get("docker1").get(0);
    assertEquals(new Step.Sysctl("net.ipv6.neigh.eth0.proxy_delay", "80", "0"), step);
    assertEquals(new Step.Sysctl("net.ipv6.neigh.eth0.proxy_delay", "0", "80"), step.inverse(), "undo restores 80");
    // Routed plans leave it alone.
    HostState r1 = new HostState("docker1", null, true, List.of("2001:db8:ab11::1"), "1", "0", "80", List.of(),
        List.of(), daemon("2001:db8:cd11::/64"), List.of(), null, Map.of(), null);
    HostState r2 = new HostState("docker2", null, true, List.of("2001:db8:ab11::2"), "1", "0", "80", List.of(),
        List.of(), daemon("2001:db8:ef11::/64"), List.of(), null, Map.of(), null);
    assertTrue(Diff.plan(routed(), states(r1, r2)).changes().stream()
        .noneMatch(c -> c.object().contains("proxy_delay")));
  }

  @Test
  void persistedNdpSysctlsHoldProxyDelayAndASecondPlanIsEmpty() {
    DesiredSetup base = ndp();
    DesiredSetup setup = new DesiredSetup(base.name(), base.mode(), base.underlay(), base.split(), base.hosts(),
        new Persist("/tmp/sixkit-difftest/{host}", true, true, false, false), base.stateDir());
    HostState d1 = new HostState("docker1", null, true, List.of("2001:db8:ab11::1"), "1", "1", "80", List.of(),
        List.of(), daemon(D1), List.of(), null, Map.of(), null);
    HostState d2 = new HostState("docker2", null, true, List.of("2001:db8:ab11::2"), "1", "1", "80", List.of(),
        List.of(), daemon(D2), List.of(), null, Map.of(), null);
    Plan p = Diff.plan(setup, states(d1, d2));
    Step.File file = p.steps().get("docker1").stream().filter(Step.File.class::isInstance).map(Step.File.class::cast)
        .findFirst().orElseThrow(() -> new AssertionError(p.toString()));
    assertEquals("/tmp/sixkit-difftest/docker1/etc/sysctl.d/60-sixkit.conf", file.path());
    assertTrue(file.after().contains("net.ipv6.conf.eth0.proxy_ndp = 1\nnet.ipv6.neigh.eth0.proxy_delay = 0\n"),
        file.after());
    // After the apply: the delay is 0 and the file holds that text, so nothing is left to change.
    HostState applied = new HostState("docker1", null, true, List.of("2001:db8:ab11::1"), "1", "1", "0", List.of(),
        List.of(), daemon(D1), List.of(), null, Map.of(file.path(), file.after()), null);
    assertEquals(List.of(), Diff.plan(setup, states(applied, d2)).steps().get("docker1"));
  }

  @Test
  void aPausedContainersEntryStaysSoASecondApplyHasNothingToDo() {
    Plan p = Diff.plan(ndp(), states(
        state("docker1", "2001:db8:ab11::1", "1", "1", List.of(),
            List.of(proxy("2001:db8:ab11:0:8000::2", Protocols.SIXKIT)), daemon(D1),
            List.of(container("web1", "paused", "2001:db8:ab11:0:8000::2"))),
        state("docker2", "2001:db8:ab11::2", "1", "1", List.of(), List.of(), daemon(D2), List.of())));
    assertTrue(p.changes().isEmpty(), p.toString());
  }

  @Test
  void onlySixkitsOwnEntriesAreRemovedTheOperatorsStay() {
    Plan p = Diff.plan(ndp(), states(
        state("docker1", "2001:db8:ab11::1", "1", "1", List.of(), List.of(
            proxy("2001:db8:ab11:0:8000::9", Protocols.SIXKIT), // a container Sixkit served is gone
            proxy("2001:db8:ab11:0:8000::7", 0),                // added by hand
            proxy("2001:db8:ab11:0:8000::8", 99)),              // another tool's (proto openr)
            daemon(D1), List.of(container("web1", "exited", "2001:db8:ab11:0:8000::9"))),
        state("docker2", "2001:db8:ab11::2", "1", "1", List.of(), List.of(), daemon(D2), List.of())));
    assertEquals(List.of("- proxy 2001:db8:ab11:0:8000::9 dev eth0"), objects(p, "docker1"));
  }

  @Test
  void anUnmarkedEntryForANeededAddressIsKeptAsItIs() {
    Plan p = Diff.plan(ndp(), states(
        state("docker1", "2001:db8:ab11::1", "1", "1", List.of(), List.of(proxy("2001:db8:ab11:0:8000::2", 0)),
            daemon(D1), List.of(container("web1", "running", "2001:db8:ab11:0:8000::2"))),
        state("docker2", "2001:db8:ab11::2", "1", "1", List.of(), List.of(), daemon(D2), List.of())));
    assertTrue(p.changes().isEmpty(), p.toString());
  }

  @Test
  void aDockerdThatDisagreesIsAProblemNotAStep() {
    Plan p = Diff.plan(ndp(), states(
        state("docker1", "2001:db8:ab11::1", "1", "1", List.of(), List.of(), daemon("2001:db8:ab11:0:4000::/66"), List.of()),
        state("docker2", "2001:db8:ab11::2", "1", "1", List.of(), List.of(), daemon(D2), List.of())));
    assertEquals(1, p.problems().size(), p.problems().toString());
    assertTrue(p.problems().get(0).startsWith("docker1: dockerd runs with --fixed-cidr-v6=2001:db8:ab11:0:4000::/66"),
        p.problems().get(0));
    assertTrue(!p.ok());
  }

  @Test
  void anUnreachableHostIsAProblem() {
    Plan p = Diff.plan(ndp(), states(HostState.failed("docker1", "cannot reach it: no such namespace"),
        state("docker2", "2001:db8:ab11::2", "1", "1", List.of(), List.of(), daemon(D2), List.of())));
    assertEquals(List.of("docker1: cannot reach it: no such namespace"), p.problems());
  }

  // ------------------------------------------------------------------ routed

  private static HostState routedHost(String host, String address, List<Route> routes) {
    return state(host, address, "1", null, routes, List.of(), null, null);
  }

  @Test
  void routedHostsGetOneRouteEachToThePeersPrefix() {
    Plan p = Diff.plan(routed(), states(routedHost("docker1", "2001:db8:ab11::1", List.of()),
        routedHost("docker2", "2001:db8:ab11::2", List.of())));
    assertTrue(p.problems().isEmpty(), p.problems().toString());
    assertEquals(List.of("+ route 2001:db8:ef11::/64 -> via 2001:db8:ab11::2 dev eth0"), objects(p, "docker1"));
    assertEquals(List.of("+ route 2001:db8:cd11::/64 -> via 2001:db8:ab11::1 dev eth0"), objects(p, "docker2"));
  }

  @Test
  void aRouteThatWinsTheLookupIsAsPlanned() {
    Plan p = Diff.plan(routed(), states(
        routedHost("docker1", "2001:db8:ab11::1", List.of(route("2001:db8:ef11::/64", "2001:db8:ab11::2", 1024),
            route("::/0", "2001:db8:ab11::99", 1))),
        routedHost("docker2", "2001:db8:ab11::2", List.of(route("2001:db8:cd11::/64", "2001:db8:ab11::1", 1024)))));
    assertTrue(p.changes().isEmpty(), p.toString());
  }

  @Test
  void aShadowingRouteWithABetterMetricMakesTheHostNotAsPlanned() {
    // The case: after apply, 2001:db8:ef11::/64 via ::99 metric 100 is added by hand on docker1.
    Plan p = Diff.plan(routed(), states(
        routedHost("docker1", "2001:db8:ab11::1", List.of(route("2001:db8:ef11::/64", "2001:db8:ab11::2", 1024),
            route("2001:db8:ef11::/64", "2001:db8:ab11::99", 100))),
        routedHost("docker2", "2001:db8:ab11::2", List.of(route("2001:db8:cd11::/64", "2001:db8:ab11::1", 1024)))));
    assertEquals(List.of("~ route 2001:db8:ef11::/64 -> via 2001:db8:ab11::2 dev eth0 metric 99"), objects(p, "docker1"));
    assertEquals(List.of(), objects(p, "docker2"));
    // the operator's route is not removed: the step moves Sixkit's own route above it
    Step.Route st = (Step.Route) p.steps().get("docker1").get(0);
    assertEquals(new Step.Hop("2001:db8:ab11::2", "eth0", 1024), st.before());
  }

  @Test
  void anOperatorsRouteToThePrefixStaysAndOursIsAddedAboveIt() {
    Plan p = Diff.plan(routed(), states(
        routedHost("docker1", "2001:db8:ab11::1", List.of(route("2001:db8:ef11::/64", "2001:db8:ab11::99", 1024))),
        routedHost("docker2", "2001:db8:ab11::2", List.of(route("2001:db8:cd11::/64", "2001:db8:ab11::1", 1024)))));
    assertEquals(List.of("+ route 2001:db8:ef11::/64 -> via 2001:db8:ab11::2 dev eth0 metric 1023"), objects(p, "docker1"));
  }

  @Test
  void aMoreSpecificRouteInsideThePrefixIsAProblem() {
    Plan p = Diff.plan(routed(), states(
        routedHost("docker1", "2001:db8:ab11::1", List.of(route("2001:db8:ef11::/64", "2001:db8:ab11::2", 1024),
            route("2001:db8:ef11::/80", "2001:db8:ab11::99", 1024))),
        routedHost("docker2", "2001:db8:ab11::2", List.of(route("2001:db8:cd11::/64", "2001:db8:ab11::1", 1024)))));
    assertEquals(1, p.problems().size(), p.problems().toString());
    assertTrue(p.problems().get(0).contains("2001:db8:ef11::/80 via 2001:db8:ab11::99"), p.problems().get(0));
  }

  @Test
  void theLookupTakesTheLongestPrefixThenTheLowestMetric() {
    List<Route> rs = List.of(route("::/0", "2001:db8:ab11::1", 1), route("2001:db8::/32", "2001:db8:ab11::2", 1024),
        route("2001:db8:ef11::/64", "2001:db8:ab11::3", 1024), route("2001:db8:ef11::/64", "2001:db8:ab11::4", 500));
    assertEquals("2001:db8:ab11::4", IpAddresses.format(Diff.chosen(rs, IpAddresses.parse("2001:db8:ef11::5")).gateway()));
    assertEquals("2001:db8:ab11::2", IpAddresses.format(Diff.chosen(rs, IpAddresses.parse("2001:db8:1::5")).gateway()));
    assertEquals("2001:db8:ab11::1", IpAddresses.format(Diff.chosen(rs, IpAddresses.parse("fd00::5")).gateway()));
  }

  // ------------------------------------------------------------------ persisted daemon.json

  private static DaemonFacts engine28(boolean ip6tables) {
    IPAddress p = new IPAddressString(D1).getAddress();
    return new DaemonFacts("28.5.2", "1.51", "1.24", "1.44", "linux", "6", "overlay2",
        new Fact<>(true, Fact.Source.ENGINE_API), Optional.of(new Fact<>(p, Fact.Source.ENGINE_API)),
        new Fact<>(true, Fact.Source.DEFAULT), new Fact<>(ip6tables, Fact.Source.DEFAULT), new Fact<>(false, Fact.Source.DEFAULT));
  }

  private static final String DAEMON_JSON = "/p/docker1/etc/docker/daemon.json";

  /** The daemon.json step of docker1's plan for a setup persisting under /p/{host}, or null when none. */
  private static Step.File daemonJsonStep(DesiredSetup setup, DaemonFacts facts, String existing) {
    Map<String, String> files = existing == null ? Map.of() : Map.of(DAEMON_JSON, existing);
    HostState s1 = new HostState("docker1", null, true, List.of("2001:db8:ab11::1"), "1", "1", List.of(), List.of(),
        facts, List.of(), null, files);
    HostState s2 = state("docker2", "2001:db8:ab11::2", "1", "1", List.of(), List.of(), daemon(D2), List.of());
    Plan p = Diff.plan(setup, states(s1, s2));
    return p.steps().get("docker1").stream().filter(st -> st instanceof Step.File f && f.path().equals(DAEMON_JSON))
        .map(st -> (Step.File) st).findFirst().orElse(null);
  }

  private static DesiredSetup persisting(boolean withNetwork) {
    DesiredSetup n = ndp();
    List<HostEntry> hosts = new ArrayList<>(n.hosts());
    if (withNetwork) {
      hosts.set(0, hosts.get(0).withNetwork(new NetworkEntry("web6", "2001:db8:ab11:0:4000::/67")));
    }
    return new DesiredSetup(n.name(), n.mode(), n.underlay(), n.split(), hosts,
        new Persist("/p/{host}", true, false, true, false), n.stateDir());
  }

  @Test
  void onDocker28TheDaemonJsonGetsTheRoutedModeMergedWithTheUsersKeys_andUndoRestoresTheFile() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    String users = "{\"log-level\": \"warn\", \"default-network-opts\": {\"bridge\": {\"com.docker.network.driver.mtu\":"
        + " \"1400\"}, \"overlay\": {\"encrypted\": \"true\"}}}";
    Step.File f = daemonJsonStep(persisting(true), engine28(true), users);
    var doc = json.readTree(f.after());
    assertEquals("warn", doc.get("log-level").asText(), f.after());
    assertEquals("1400", doc.at("/default-network-opts/bridge/com.docker.network.driver.mtu").asText(), f.after());
    assertEquals("true", doc.at("/default-network-opts/overlay/encrypted").asText(), f.after());
    assertEquals("routed", doc.at("/default-network-opts/bridge/com.docker.network.bridge.gateway_mode_ipv6").asText());
    assertTrue(doc.get("ipv6").asBoolean());
    assertTrue(doc.path("fixed-cidr-v6").isMissingNode(), "the network's prefix is not the default bridge's: " + f.after());
    // the fragment the plan names for this engine is what was merged
    var fragment = json.readTree(EngineNeeds.DAEMON_JSON_ROUTED);
    assertEquals(fragment.at("/default-network-opts/bridge/com.docker.network.bridge.gateway_mode_ipv6"),
        doc.at("/default-network-opts/bridge/com.docker.network.bridge.gateway_mode_ipv6"));
    // undo puts the user's file back as it was
    Step.File undo = (Step.File) f.inverse();
    assertEquals(users, undo.after());
    // written once, the next plan has nothing to do for it
    assertEquals(null, daemonJsonStep(persisting(true), engine28(true), f.after()));
  }

  @Test
  void theRoutedModeIsPersistedOnlyWhereTheEngineHasModesAndNeedsThem() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    // 28 with ip6tables and no declared network: its bridges filter, networks created later get routed
    var noNetwork = json.readTree(daemonJsonStep(persisting(false), engine28(true), null).after());
    assertEquals("routed", noNetwork.at("/default-network-opts/bridge/com.docker.network.bridge.gateway_mode_ipv6").asText());
    assertEquals(D1, noNetwork.path("fixed-cidr-v6").asText(), "without networks the plan's prefix is the bridge's");
    // 28 with ip6tables off and no network: nothing filters, nothing to add
    assertTrue(json.readTree(daemonJsonStep(persisting(false), engine28(false), null).after())
        .path("default-network-opts").isMissingNode());
    // 20.10: no gateway modes at all
    assertTrue(json.readTree(daemonJsonStep(persisting(false), daemon(D1), null).after())
        .path("default-network-opts").isMissingNode());
  }
}
