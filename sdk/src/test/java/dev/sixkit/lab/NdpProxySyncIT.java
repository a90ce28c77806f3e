package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.host.Change;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.netlink.Protocols;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.EngineNeeds;
import dev.sixkit.plan.Mode;
import dev.sixkit.sync.NdpPersistence;
import dev.sixkit.sync.NdpProxySync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NDP proxy sync on a real lab: docker1's sync keeps its proxy table equal to the IPv6
 * addresses of its live containers (read back with {@code ip -json -6 neigh show proxy}) while
 * containers start, stop, restart, join and leave an IPv6 network; HTTP from web2 on docker2
 * works for live ones and fails for removed ones. Faults: a foreign entry, the table flushed
 * behind its back, the uplink going down, dockerd killed with -9 and restarted.
 *
 * <p>Once per engine (the Engine's event and inspect formats differ between API 1.41 and 1.51).
 * Docker 28 drops traffic from other hosts to its default bridge (see {@link SeedRecipeOn28IT}),
 * so there the containers run on IPv6 networks in routed gateway mode inside the sync's prefixes
 * ({@link #HOME1} beside the lab's /66s; a subnet of --fixed-cidr-v6 is refused), with port 80
 * published (routed mode lets in ICMPv6 and published ports only).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass(name = "engine {0}")
@MethodSource("dev.sixkit.lab.Engines#all")
class NdpProxySyncIT {
  private static final Logger LOG = LoggerFactory.getLogger(NdpProxySyncIT.class);
  /** The default bridge's prefix on docker1 (the lab's split of the underlay /64). */
  static final String BRIDGE_PREFIX = "2001:db8:ab11:0:8000::/66";
  /** The network test 3 connects web1 to (routed gateway mode on engines that have modes). */
  static final String NET_PREFIX = "2001:db8:ab11:0:6000::/80";
  /**
   * Engines that filter the default bridge (28): docker1's test containers run on a network in
   * routed gateway mode in the /66 the split leaves unused (a subnet of --fixed-cidr-v6 is refused),
   * docker2's web2 on one beside it.
   */
  static final String HOME1 = "2001:db8:ab11:0:4000::/67";
  static final String HOME2 = "2001:db8:ab11:0:7000::/68";
  static final String HOME = "home6";
  @Parameter
  Engine engine;
  private Lab lab;
  private NetlinkHost docker1;
  private Host docker2;
  private Path state;
  private NdpProxySync sync;
  /** Whether the engine drops traffic to NAT-mode bridges: containers go on routed networks then. */
  private boolean routed;
  private final List<Change> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeParameterizedClassInvocation
  void up() throws Exception {
    Root.require();
    String name = "sxs" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(engine).name(name).hosts(2).mode(Mode.NDP_PROXY).progress(m -> LOG.info("lab: {}", m)).up();
    docker1 = lab.connect("docker1");
    docker2 = lab.connect("docker2");
    routed = EngineNeeds.filtersNatBridges(docker1.docker().daemon());
    if (routed) {
      // the lab's web containers sit on the default bridge, which this engine filters: move them
      moveToHome(docker1.docker(), HOME1, "web1", 1);
      moveToHome(docker2.docker(), HOME2, "web2", 2);
    }
    // docker2's side of the return path, by hand: this test is about docker1's sync.
    String web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();
    docker2.enableProxyNdp("eth0").proxy(web2);
    state = Files.createTempDirectory("sixkit-ndp-sync");
  }

  /** Replaces the lab's container by one of the same name on a routed network {@link #HOME}. */
  private void moveToHome(Docker d, String subnet, String container, int n) {
    network(d, HOME, subnet);
    d.remove(container);
    web(d, container, n);
  }

  /** An IPv6 network, in routed gateway mode on engines that filter NAT-mode bridges. */
  private void network(Docker d, String name, String subnet) {
    var draft = d.newNetwork(name).ipv6().subnet(subnet);
    if (routed) {
      draft.option(DockerNetwork.GATEWAY_MODE_IPV6, "routed");
    }
    draft.create();
  }

  @AfterParameterizedClassInvocation
  void down() throws Exception {
    String name = lab == null ? null : lab.name();
    try {
      if (sync != null) {
        sync.close();
      }
      if (docker1 != null) {
        docker1.close();
      }
      if (docker2 != null) {
        docker2.close();
      }
    } finally {
      if (name != null) {
        Lab.down(name, LabProgress.silent());
        assertTrue(Lab.namespaces(name).isEmpty(), "the lab's namespaces must be gone");
      }
      if (state != null) {
        try (var s = Files.walk(state)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  String ns1() {
    return lab.host("docker1").netns();
  }

  /** docker1's proxy table as ip shows it: addresses on eth0. */
  Set<String> table() {
    Set<String> out = new TreeSet<>();
    for (JsonNode n : Ip.json(ns1(), "-6", "neigh", "show", "proxy")) {
      assertEquals("eth0", n.get("dev").asText(), n.toString());
      out.add(n.get("dst").asText());
    }
    return out;
  }

  /** The global IPv6 addresses of docker1's running containers in the managed prefixes, from the Engine. */
  Set<String> live() {
    Set<String> out = new TreeSet<>();
    for (Container c : docker1.docker().containers()) {
      if (c.running()) {
        c.networks().forEach(n -> n.ipv6().ifPresent(a -> out.add(a.toCanonicalString())));
      }
    }
    return out;
  }

  void awaitTable(Set<String> expected) {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    Set<String> t = table();
    while (!t.equals(expected) && System.nanoTime() < end) {
      Lab.sleep(50);
      t = table();
    }
    assertEquals(expected, t, "docker1's proxy table (ip -json -6 neigh show proxy)");
  }

  /** The table equals the live container addresses plus the given extras. */
  void awaitLive(String... extras) {
    assertTrue(sync.awaitIdle(Duration.ofSeconds(10)));
    Set<String> want = new TreeSet<>(live());
    want.addAll(List.of(extras));
    awaitTable(want);
  }

  ExecResult http(String to) {
    Ip.run(lab.host("docker2").netns(), "-6", "neigh", "flush", "to", to);
    try {
      return docker2.docker().exec("web2", Duration.ofSeconds(10), List.of("wget", "-qO-", "http://[" + to + "]/"));
    } catch (dev.sixkit.docker.DockerException e) {
      if (e.reason() == dev.sixkit.docker.DockerException.Reason.TIMEOUT) {
        return new ExecResult(124, "", e.getMessage());
      }
      throw e;
    }
  }

  /** ping6 from web2 on docker2 (two echo requests, 2 s each at most). */
  ExecResult ping(String to) {
    Ip.run(lab.host("docker2").netns(), "-6", "neigh", "flush", "to", to);
    return docker2.docker().exec("web2", Duration.ofSeconds(10), List.of("ping6", "-c", "2", "-W", "2", to));
  }

  String diagnose() {
    StringBuilder sb = new StringBuilder();
    for (String h : List.of("docker1", "docker2")) {
      String ns = lab.host(h).netns();
      for (String[] cmd : new String[][] {{"-6", "route"}, {"-6", "neigh"}, {"-6", "neigh", "show", "proxy"}, {"-6", "addr"}}) {
        sb.append(h).append(": ip ").append(String.join(" ", cmd)).append('\n').append(Ip.tryRun(ns, cmd).out());
      }
      sb.append(Ip.exec(ns, "sysctl", "net.ipv6.conf.eth0.forwarding", "net.ipv6.conf.eth0.proxy_ndp",
          "net.ipv6.conf.all.forwarding").out());
    }
    return sb.toString();
  }

  String addr(String container) {
    return docker1.docker().container(container).ipv6().orElseThrow().toCanonicalString();
  }

  /**
   * A web container on docker's default bridge, or on {@link #HOME} where the engine filters the
   * bridge; port 80 published there (routed mode lets in published ports only), on a host port the
   * engine picks so several can run.
   */
  Container web(Docker d, String name, int n) {
    var draft = d.newContainer(name).image(WebImage.REFERENCE).command(WebImage.command("Web Server #" + n).toArray(String[]::new))
        .stopTimeout(Duration.ofSeconds(1));
    if (routed) {
      draft.network(HOME).publish(0, 80);
    }
    return draft.start();
  }

  void startSync() {
    sync = NdpProxySync.on(docker1).uplink("eth0").prefixes(BRIDGE_PREFIX, HOME1, NET_PREFIX).stateDir(state)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).onChange(changes::add).start();
  }

  @Test
  @Order(1)
  void startEnablesProxyNdpAndReconciles() {
    assertEquals(Set.of(), table());
    assertFalse(http(addr("web1")).ok(), "before the sync web1 is unreachable from web2");
    startSync();
    List<Change> enabled = sync.enabled();
    LOG.info("enabled: {}", enabled);
    Change proxyNdp = enabled.stream().filter(c -> c.object().endsWith(".proxy_ndp")).findFirst().orElseThrow();
    assertEquals(Change.Kind.CHANGED, proxyNdp.kind(), proxyNdp.toString());
    Change ra = enabled.stream().filter(c -> c.object().endsWith(".accept_ra")).findFirst().orElseThrow();
    assertEquals("2", ra.after(), ra.toString());
    for (String key : List.of("proxy_ndp", "forwarding")) {
      assertEquals("1", Ip.exec(ns1(), "sysctl", "-n", "net.ipv6.conf.eth0." + key).out().trim(), key);
    }
    assertEquals("2", Ip.exec(ns1(), "sysctl", "-n", "net.ipv6.conf.eth0.accept_ra").out().trim());
    // first contact: the kernel answers proxied solicitations at once, not after up to 0.8 s
    assertEquals("0", Ip.exec(ns1(), "sysctl", "-n", "net.ipv6.neigh.eth0.proxy_delay").out().trim());
    assertTrue(Integer.parseInt(Ip.exec(ns1(), "sysctl", "-n", "net.ipv6.neigh.eth0.proxy_qlen").out().trim()) >= 64);
    assertTrue(sync.awaitReconciled(Duration.ofSeconds(10)));
    assertTrue(sync.watchesMulticast(), "this kernel announces multicast memberships");
    awaitLive();
    assertEquals(Set.of(addr("web1")), table());
    ExecResult page = http(addr("web1"));
    assertTrue(page.ok() && page.stdout().contains("Web Server #1"), page.toString());
    assertEquals(table(), sync.owned());
  }

  @Test
  @Order(2)
  void startStopRestartContainers() {
    Docker d = docker1.docker();
    web(d, "web3", 3);
    web(d, "web4", 4);
    awaitLive();
    String w3 = addr("web3");
    String w4 = addr("web4");
    assertEquals(Set.of(addr("web1"), w3, w4), table());
    assertTrue(http(w3).stdout().contains("Web Server #3"));
    assertTrue(http(w4).stdout().contains("Web Server #4"));

    d.stop("web3", Duration.ofSeconds(1));
    awaitLive();
    assertFalse(table().contains(w3));
    assertFalse(http(w3).ok(), "a stopped container does not answer");

    d.remove("web4");
    awaitLive();
    assertEquals(Set.of(addr("web1")), table());
    assertFalse(http(w4).ok());

    d.start("web3"); // restart
    awaitLive();
    assertTrue(table().contains(addr("web3")));
    assertTrue(http(addr("web3")).stdout().contains("Web Server #3"));
    assertEquals(table(), sync.owned());
  }

  @Test
  @Order(3)
  void connectAndDisconnectFromAnIpv6Network() {
    Docker d = docker1.docker();
    network(d, "v6net", NET_PREFIX);
    d.connectNetwork("v6net", "web1");
    awaitLive();
    String onNet = d.container("web1").ipv6("v6net").orElseThrow().toCanonicalString();
    assertTrue(table().contains(onNet), table().toString());
    // ping: on engines with gateway modes the published port belongs to web1's first network only
    assertTrue(ping(onNet).ok(), "web1 answers ping6 on its v6net address\n" + diagnose());
    if (!routed) {
      assertTrue(http(onNet).stdout().contains("Web Server #1"), "web1 answers on its v6net address");
    }
    d.disconnectNetwork("v6net", "web1");
    awaitLive();
    assertFalse(table().contains(onNet));
    assertFalse(ping(onNet).ok(), "after disconnect the address is gone");
  }

  @Test
  @Order(4)
  void foreignEntriesAreLeftAlone() {
    String inside = "2001:db8:ab11:0:8000::dead";
    String outside = "2001:db8:ab11::99";
    Ip.run(ns1(), "-6", "neigh", "add", "proxy", inside, "dev", "eth0");
    Ip.run(ns1(), "-6", "neigh", "add", "proxy", outside, "dev", "eth0");
    sync.requestReconcile("test");
    awaitLive(inside, outside);
    assertTrue(sync.lastReport().orElseThrow().foreign().contains(inside), sync.lastReport().toString());
    assertFalse(sync.owned().contains(inside));
    // containers come and go: the foreign entries stay
    web(docker1.docker(), "web5", 5);
    awaitLive(inside, outside);
    docker1.docker().remove("web5");
    awaitLive(inside, outside);
    Ip.run(ns1(), "-6", "neigh", "del", "proxy", inside, "dev", "eth0");
    Ip.run(ns1(), "-6", "neigh", "del", "proxy", outside, "dev", "eth0");
    awaitLive();
  }

  @Test
  @Order(5)
  void entriesFlushedBehindItsBackAreRestored() {
    Set<String> before = table();
    assertFalse(before.isEmpty());
    long restored = sync.restored();
    long reconciles = sync.reconciles();
    Ip.run(ns1(), "-6", "neigh", "flush", "proxy", "dev", "eth0");
    awaitTable(before);
    assertTrue(sync.restored() >= restored + before.size(), "restored through the multicast signal");
    assertEquals(reconciles, sync.reconciles(), "no full reconcile was needed");
    // one entry deleted by hand
    String one = before.iterator().next();
    Ip.run(ns1(), "-6", "neigh", "del", "proxy", one, "dev", "eth0");
    awaitTable(before);
    assertTrue(http(addr("web1")).ok());
  }

  @Test
  @Order(6)
  void theUplinkGoingDownAndUpIsReconciled() {
    Set<String> before = table();
    // IPv6 drops a device's addresses when it goes down unless told to keep them; the underlay address must stay.
    Ip.exec(ns1(), "sysctl", "-q", "-w", "net.ipv6.conf.eth0.keep_addr_on_down=1");
    Ip.run(ns1(), "link", "set", "eth0", "down");
    Lab.sleep(300);
    Ip.run(ns1(), "link", "set", "eth0", "up");
    awaitTable(before);
    Lab.sleep(300);
    assertEquals(before, table());
  }

  @Test
  @Order(7)
  void dockerdKilledAndRestartedIsReconciled() throws Exception {
    LabHost h = lab.host("docker1");
    HostDirs dirs = HostDirs.of(lab.name(), "docker1");
    long pid = dirs.runningDockerd().orElseThrow();
    Set<String> before = table();
    Procs.kill(pid);
    Procs.awaitGone(List.of(pid), Duration.ofSeconds(10));
    // Docker is away: the sync keeps what it has (the containers still run without dockerd)
    Lab.sleep(500);
    assertFalse(sync.dockerConnected());
    assertEquals(before, table());
    // a flush while Docker is away is still restored from what the sync knows
    Ip.run(ns1(), "-6", "neigh", "flush", "proxy", "dev", "eth0");
    awaitTable(before);

    if (routed) {
      // the killed daemon's user-defined bridges stay, routes and all (docker0 is taken over by
      // name, br-ID is not): the new daemon's network would lose the route lookup to a dead bridge
      for (JsonNode l : Ip.json(ns1(), "link", "show", "type", "bridge")) {
        String dev = l.get("ifname").asText();
        if (dev.startsWith("br-")) {
          Ip.run(ns1(), "link", "del", dev);
        }
      }
    }
    long reconciles = sync.reconciles();
    // restart over the leftovers: the old containers are gone with the old data root
    DockerDaemon.lab(lab.name()).host("docker1").netns(h.netns()).fixedCidrV6(h.dockerPrefix())
        .engine(engine.install(LabProgress.silent())).start();
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!(sync.dockerConnected() && sync.reconciles() > reconciles) && System.nanoTime() < end) {
      Lab.sleep(50);
    }
    assertTrue(sync.dockerConnected(), "reconnected to the restarted dockerd");
    awaitLive();
    assertEquals(Set.of(), table(), "the killed daemon's containers are gone, and so are their entries");

    try (Docker d = Docker.connect(h.dockerEndpoint())) {
      WebImage.standard().importInto(d);
      if (routed) {
        network(d, HOME, HOME1);
      }
      web(d, "web1", 1);
    }
    awaitLive();
    assertEquals(1, table().size());
    ExecResult r = http(addr("web1"));
    assertTrue(r.stdout().contains("Web Server #1"), r + "\n" + diagnose());
  }

  @Test
  @Order(8)
  void ownershipSurvivesARestartOfTheSync() throws Exception {
    Set<String> before = table();
    assertEquals(before, marked(), "every entry the sync added carries Sixkit's protocol mark");
    sync.close();
    assertEquals(before, marked(), "the record is the kernel's table: closing changes nothing");
    // while it is away, web1 goes and web6 comes; a foreign entry appears
    docker1.docker().remove("web1");
    web(docker1.docker(), "web6", 6);
    String foreign = "2001:db8:ab11:0:8000::beef";
    Ip.run(ns1(), "-6", "neigh", "add", "proxy", foreign, "dev", "eth0");
    startSync();
    assertTrue(sync.awaitReconciled(Duration.ofSeconds(10)));
    awaitLive(foreign);
    assertEquals(Set.of(addr("web6")), sync.owned());
    Ip.run(ns1(), "-6", "neigh", "del", "proxy", foreign, "dev", "eth0");
  }

  /** docker1's proxy entries that carry Sixkit's protocol mark (ip shows the number: 171). */
  Set<String> marked() {
    Set<String> out = new TreeSet<>();
    for (JsonNode n : Ip.json(ns1(), "-6", "neigh", "show", "proxy")) {
      if (n.has("protocol") && String.valueOf(Protocols.SIXKIT).equals(n.get("protocol").asText())) {
        out.add(n.get("dst").asText());
      }
    }
    return out;
  }

  /**
   * Issue 13 item 6: a record must not outlive its world. The sync owned web8's address; then (as
   * after lab down / lab up, or a reboot) the entry is gone and the operator adds one by hand for
   * the same address. A sync started in that world never deletes it, nor any other hand entry.
   */
  @Test
  @Order(9)
  void anEntryAddedByHandIsNeverDeletedInANewWorld() {
    web(docker1.docker(), "web8", 8);
    awaitLive();
    String w8 = addr("web8");
    assertTrue(sync.owned().contains(w8));
    sync.close();
    docker1.docker().remove("web8");
    Ip.run(ns1(), "-6", "neigh", "flush", "proxy", "dev", "eth0"); // the new world starts without entries
    Ip.run(ns1(), "-6", "neigh", "add", "proxy", w8, "dev", "eth0");
    startSync();
    assertTrue(sync.awaitReconciled(Duration.ofSeconds(10)));
    awaitLive(w8);
    assertFalse(sync.owned().contains(w8));
    assertTrue(sync.lastReport().orElseThrow().foreign().contains(w8), sync.lastReport().toString());
    // a container coming and going around it changes nothing about it
    web(docker1.docker(), "web9", 9);
    awaitLive(w8);
    docker1.docker().remove("web9");
    awaitLive(w8);
    Ip.run(ns1(), "-6", "neigh", "del", "proxy", w8, "dev", "eth0");
    awaitLive();
  }

  /**
   * Issue 13 item 4: an entry an apply made (through the host's proxy step, which marks it) is
   * adopted by a sync started later and removed when its container goes.
   */
  @Test
  @Order(10)
  void anAppliedEntryIsRemovedByALaterSyncWhenItsContainerGoes() {
    sync.close();
    web(docker1.docker(), "web10", 10);
    String w10 = addr("web10");
    docker1.proxyNdp("eth0").proxy(w10, Protocols.SIXKIT); // what apply's proxy step does (Step.Proxy)
    assertTrue(marked().contains(w10), "apply marks its entries");
    startSync();
    assertTrue(sync.awaitReconciled(Duration.ofSeconds(10)));
    awaitLive();
    assertTrue(sync.owned().contains(w10), "the sync adopts what an apply made");
    docker1.docker().remove("web10");
    awaitLive();
    assertFalse(table().contains(w10));
  }

  /**
   * Issue 13 item 7: with the prefixes following Docker's networks, a user-defined IPv6 network
   * created after the sync started, inside the host's on-link prefix, gets its containers' entries.
   */
  @Test
  @Order(11)
  void aNetworkCreatedLaterIsFollowed() {
    sync.close();
    sync = NdpProxySync.on(docker1).uplink("eth0").followDockerNetworks(true).stateDir(state)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).onChange(changes::add).start();
    assertTrue(sync.awaitReconciled(Duration.ofSeconds(10)));
    String later = "2001:db8:ab11:0:2000::/80";
    assertFalse(sync.prefixes().stream().anyMatch(p -> p.toString().equals(later)), sync.prefixes().toString());
    Docker d = docker1.docker();
    network(d, "later", later);
    var draft = d.newContainer("web11").image(WebImage.REFERENCE).network("later")
        .command(WebImage.command("Web Server #11").toArray(String[]::new)).stopTimeout(Duration.ofSeconds(1));
    if (routed) {
      draft.publish(0, 80);
    }
    draft.start();
    String w11 = d.container("web11").ipv6("later").orElseThrow().toCanonicalString();
    assertTrue(w11.startsWith("2001:db8:ab11:0:2000:"), w11);
    awaitLive();
    assertTrue(table().contains(w11), table().toString());
    assertTrue(http(w11).stdout().contains("Web Server #11"), "web11 answers on the new network\n" + diagnose());
    d.remove("web11");
    d.removeNetwork("later");
    awaitLive();
    assertFalse(table().contains(w11));
  }

  @Test
  @Order(20)
  void persistenceFilesGoToTheTargetFolder() throws Exception {
    Path root = Files.createTempDirectory("sixkit-persist");
    try {
      Files.createDirectories(root.resolve("etc/docker"));
      Files.writeString(root.resolve(NdpPersistence.DAEMON_JSON),
          "{\"log-level\": \"warn\", \"default-network-opts\": {\"bridge\": {\"com.docker.network.driver.mtu\": \"1400\"}}}");
      // the engine in front of it decides whether networks created later must be routed (28: yes)
      NdpPersistence persistence = NdpPersistence.forUplink("eth0").fixedCidrV6("2001:db8:ab11:0:8000::/66")
          .routedGatewayMode(EngineNeeds.filtersNatBridges(docker1.docker().daemon()));
      List<Change> c = persistence.write(root, "docker1");
      assertEquals(Change.Kind.ADDED, c.get(0).kind());
      assertEquals(Change.Kind.CHANGED, c.get(1).kind());
      String dropIn = Files.readString(root.resolve(NdpPersistence.SYSCTL_DROP_IN));
      assertTrue(dropIn.contains("net.ipv6.conf.eth0.proxy_ndp = 1"));
      assertTrue(dropIn.contains("net.ipv6.conf.eth0.accept_ra = 2"));
      assertTrue(dropIn.contains("net.ipv6.conf.eth0.forwarding = 1"));
      assertTrue(dropIn.contains("net.ipv6.neigh.eth0.proxy_delay = 0"), dropIn);
      JsonNode dj = new com.fasterxml.jackson.databind.ObjectMapper().readTree(root.resolve(NdpPersistence.DAEMON_JSON).toFile());
      assertEquals("warn", dj.get("log-level").asText(), "other keys are kept");
      assertTrue(dj.get("ipv6").asBoolean());
      assertEquals("2001:db8:ab11:0:8000::/66", dj.get("fixed-cidr-v6").asText());
      assertEquals("1400", dj.at("/default-network-opts/bridge/com.docker.network.driver.mtu").asText(), "other keys are kept");
      assertEquals(routed ? "routed" : "", dj.at("/default-network-opts/bridge/" + DockerNetwork.GATEWAY_MODE_IPV6).asText(),
          dj.toString());
      // sysctl reads the drop-in back as it would at boot (in the lab host's namespace only)
      Ip.Result r = Ip.exec(ns1(), "sysctl", "-p", root.resolve(NdpPersistence.SYSCTL_DROP_IN).toString());
      assertEquals(0, r.exit(), r.err());
      // a second write changes nothing
      assertTrue(persistence.write(root, "docker1").stream().noneMatch(Change::changed));
      String unit = NdpPersistence.systemdUnit("/opt/sixkit/sixkit", List.of("--uplink", "eth0", "--prefix",
          "2001:db8:ab11:0:8000::/66"));
      assertTrue(unit.contains("ExecStart=/opt/sixkit/sixkit ndp sync --uplink eth0 --prefix 2001:db8:ab11:0:8000::/66"), unit);
      assertTrue(unit.contains("After=docker.service"));
    } finally {
      try (var s = Files.walk(root)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
