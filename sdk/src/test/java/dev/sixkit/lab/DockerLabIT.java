package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.SixkitException;
import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.docker.NetworkAttachment;
import dev.sixkit.docker.PublishedPort;
import dev.sixkit.doctor.Fact;
import dev.sixkit.host.ExecResult;
import dev.sixkit.internal.os.Mounts;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.plan.Subnet;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed's NDP proxy recipe on two real dockerd, each in its own namespace: h1 and h2 joined by
 * a veth eth0 (2001:db8:ab11::1/64 and ::2/64), docker1 with --fixed-cidr-v6
 * 2001:db8:ab11:0:8000::/66 and docker2 with 2001:db8:ab11:0:c000::/66, web1 and web2 serving
 * their pages. The two daemons are shared by the whole class (dockerd is slow to start on two
 * cores; {@link DockerLabFixture} starts them); everything is removed after each engine's tests,
 * which then checks that nothing is left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass(name = "engine {0}")
@MethodSource("dev.sixkit.lab.Engines#all")
class DockerLabIT extends DockerLabFixture {
  // ---------------------------------------------------------------- daemon facts

  @Test
  @Order(1)
  void apiVersionIsNegotiatedNotTheLibraryDefault() {
    DaemonFacts f = docker1.daemon();
    assertTrue(f.version().startsWith(f.majorVersion() + "."), f.version());
    // dockerd 20.10 speaks at most 1.41; docker-java 3.7 would ask for 1.44
    String expected = compareApi(f.apiVersion(), "1.44") < 0 ? f.apiVersion() : "1.44";
    assertEquals(expected, docker1.apiVersion());
    assertEquals(expected, f.negotiatedApiVersion());
    LOG.info("daemon {} API {} (min {}), negotiated {}", f.version(), f.apiVersion(), f.minApiVersion(), docker1.apiVersion());
  }

  private static int compareApi(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
    return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
  }

  @Test
  @Order(2)
  void daemonFactsReportIpv6AndFixedCidr() {
    DaemonFacts f1 = docker1.daemon(d1.config());
    DaemonFacts f2 = docker2.daemon(d2.config());
    LOG.info("docker1 facts: {}", f1);
    LOG.info("docker2 facts: {}", f2);
    assertTrue(f1.ipv6Enabled());
    assertEquals(Fact.Source.ENGINE_API, f1.ipv6().source());
    assertEquals(prefix(PREFIX1), f1.fixedCidrV6Prefix().orElseThrow());
    assertEquals(Fact.Source.ENGINE_API, f1.fixedCidrV6().orElseThrow().source());
    assertEquals(prefix(PREFIX2), f2.fixedCidrV6Prefix().orElseThrow());
    // userland-proxy: not in /info; docker1 runs with dockerd's default, docker2 was told false
    assertEquals(new Fact<>(true, Fact.Source.DEFAULT), f1.userlandProxy());
    assertEquals(new Fact<>(false, Fact.Source.COMMAND_LINE), f2.userlandProxy());
    assertEquals(f1.majorVersion() >= 27, f1.ip6tables().value());
    assertFalse(f1.storageDriver().isEmpty());
    // the witness: the daemon put the prefix's first address on docker0 inside h1
    assertTrue(ipv6AddressesOf(h1, "docker0").contains("2001:db8:ab11:0:8000::1/66"), ipv6AddressesOf(h1, "docker0").toString());
    assertTrue(ipv6AddressesOf(h2, "docker0").contains("2001:db8:ab11:0:c000::1/66"));
    // and it turned IPv6 forwarding on in its namespace only
    assertEquals("1", Ip.exec(h1, "sysctl", "-n", "net.ipv6.conf.all.forwarding").out().trim());
  }

  private static IPAddress prefix(String s) {
    return new IPAddressString(s).getAddress().toPrefixBlock();
  }

  private static List<String> ipv6AddressesOf(String netns, String dev) {
    List<String> out = new ArrayList<>();
    for (JsonNode link : Ip.json(netns, "-6", "addr", "show", "dev", dev)) {
      for (JsonNode a : link.path("addr_info")) {
        out.add(new IPAddressString(a.path("local").asText()).getAddress().toCanonicalString() + "/" + a.path("prefixlen").asInt());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- containers

  @Test
  @Order(3)
  void eachContainerHasAnIpv6AddressInsideItsSlash66() {
    Container c1 = docker1.container("web1");
    Container c2 = docker2.container("web2");
    assertTrue(c1.running());
    assertEquals("web1", c1.name());
    assertEquals(WebImage.REFERENCE, c1.image());
    assertEquals(1, c1.networks().size());
    NetworkAttachment n1 = c1.network("bridge").orElseThrow();
    NetworkAttachment n2 = c2.network("bridge").orElseThrow();
    assertEquals(66, n1.ipv6PrefixLength());
    assertTrue(prefix(PREFIX1).contains(n1.ipv6().orElseThrow()), n1.toString());
    assertTrue(prefix(PREFIX2).contains(n2.ipv6().orElseThrow()), n2.toString());
    assertEquals(prefix(PREFIX1), n1.ipv6Prefix().orElseThrow());
    assertEquals("2001:db8:ab11:0:8000::1", n1.ipv6Gateway().orElseThrow().toCanonicalString());
    assertTrue(n1.ipv4().isPresent());
    // the witness: the container's own view of eth0, through busybox ip and sysfs
    String addr = docker1.exec("web1", "ip", "-6", "addr", "show", "dev", "eth0").stdout();
    assertTrue(addr.contains(n1.ipv6().orElseThrow().toCanonicalString() + "/66"), addr);
    String mac = docker1.exec("web1", "cat", "/sys/class/net/eth0/address").stdout().trim();
    assertEquals(mac, n1.mac());
    // containers() lists it as container() does
    assertEquals(List.of(c1), docker1.containers());
  }

  @Test
  @Order(4)
  void execCapturesStdoutStderrAndExitCode() {
    ExecResult r = docker1.exec("web1", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, r.exitCode());
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
    assertTrue(docker1.exec("web1", "true").ok());
    DockerException e = assertThrows(DockerException.class,
        () -> docker1.exec("web1", Duration.ofSeconds(1), List.of("sleep", "5")));
    assertEquals(DockerException.Reason.TIMEOUT, e.reason());
  }

  @Test
  @Order(5)
  void bridgeNetworkAndAnIpv6NetworkWithGatewayMode() {
    DockerNetwork bridge = docker1.network("bridge");
    assertEquals("bridge", bridge.driver());
    assertTrue(bridge.ipv6Enabled());
    Subnet v6 = bridge.ipv6Subnets().get(0);
    assertEquals(prefix(PREFIX1), v6.prefix());
    assertEquals(DockerNetwork.DEFAULT_GATEWAY_MODE, bridge.ipv6GatewayMode());
    assertEquals(1, bridge.ipv4Subnets().size());

    DockerNetwork routed = docker1.newNetwork("sx-routed").ipv6().subnet("fd00:5::/64", "fd00:5::1")
        .option(DockerNetwork.GATEWAY_MODE_IPV6, "routed").option("com.docker.network.bridge.name", "sxbr5").create();
    try {
      DockerNetwork read = docker1.network("sx-routed");
      assertEquals(routed, read);
      assertTrue(read.ipv6Enabled());
      assertEquals("routed", read.ipv6GatewayMode());
      Subnet s = read.ipv6Subnets().get(0);
      assertEquals(prefix("fd00:5::/64"), s.prefix());
      assertEquals("fd00:5::1", s.gateway().orElseThrow().toCanonicalString());
      assertTrue(docker1.networks().stream().anyMatch(n -> n.name().equals("sx-routed")));

      Container c = docker1.connectNetwork("sx-routed", "web1");
      NetworkAttachment a = c.network("sx-routed").orElseThrow();
      assertTrue(prefix("fd00:5::/64").contains(a.ipv6().orElseThrow()), a.toString());
      assertEquals(64, a.ipv6PrefixLength());
      // witness: the bridge got its gateway address in h1; the container sees its new address
      assertTrue(ipv6AddressesOf(h1, "sxbr5").contains("fd00:5::1/64"), ipv6AddressesOf(h1, "sxbr5").toString());
      String addrs = docker1.exec("web1", "ip", "-6", "addr").stdout();
      assertTrue(addrs.contains(a.ipv6().orElseThrow().toCanonicalString() + "/64"), addrs);

      Container after = docker1.disconnectNetwork("sx-routed", "web1");
      assertTrue(after.network("sx-routed").isEmpty());
      assertFalse(docker1.exec("web1", "ip", "-6", "addr").stdout().contains(a.ipv6().orElseThrow().toCanonicalString()));
    } finally {
      docker1.removeNetwork("sx-routed");
    }
    assertTrue(docker1.findNetwork("sx-routed").isEmpty());
  }

  @Test
  @Order(6)
  void publishedPortsIncludeBothAnyAddresses() {
    docker1.newContainer("pub1").image(WebImage.REFERENCE).publish(8080, 80).stopTimeout(Duration.ofSeconds(1)).start();
    try {
      List<PublishedPort> ports = docker1.ports("pub1");
      LOG.info("pub1 publishes {}", ports);
      assertTrue(ports.stream().anyMatch(p -> p.hostIp().toCanonicalString().equals("::") && p.hostPort() == 8080
          && p.containerPort() == 80 && p.protocol().equals("tcp")), ports.toString());
      assertTrue(ports.stream().anyMatch(p -> p.hostIp().toString().equals("0.0.0.0") && p.hostPort() == 8080), ports.toString());
      assertTrue(ports.stream().allMatch(PublishedPort::anyAddress));
      // witness: docker-proxy (userland proxy on by default) listens on 8080 inside h1
      String listening = Ip.exec(h1, "ss", "-Hltn").out();
      assertTrue(listening.contains(":8080"), listening);
      // and serves the image's default page over IPv6 from the host namespace h1 itself
      ExecResult page = wget(docker1, "web1", "http://[2001:db8:ab11:0:8000::1]:8080/");
      assertEquals("Sixkit web server\n", page.stdout(), page.stderr());
    } finally {
      docker1.remove("pub1");
    }
    assertTrue(docker1.findContainer("pub1").isEmpty());
    assertFalse(docker1.removeIfExists("pub1"));
  }

  @Test
  @Order(7)
  void containerLifecycleIsIdempotent() {
    Container c = docker2.newContainer("tmp2").image(WebImage.REFERENCE).stopTimeout(Duration.ofSeconds(1)).create();
    try {
      assertEquals("created", c.state());
      assertTrue(docker2.start("tmp2").running());
      assertTrue(docker2.start("tmp2").running()); // already running: no error
      assertEquals("exited", docker2.stop("tmp2", Duration.ofSeconds(1)).state());
      assertEquals("exited", docker2.stop("tmp2", Duration.ofSeconds(1)).state()); // already stopped
    } finally {
      docker2.remove("tmp2");
    }
  }

  // ---------------------------------------------------------------- errors

  @Test
  @Order(8)
  void unknownContainerAndNetworkAreNamed() {
    String endpoint = d1.endpoint();
    for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
        () -> docker1.container("no-such-box"), () -> docker1.start("no-such-box"),
        () -> docker1.stop("no-such-box", Duration.ofSeconds(1)), () -> docker1.remove("no-such-box"),
        () -> docker1.exec("no-such-box", "true"), () -> docker1.ports("no-such-box"),
        () -> docker1.connectNetwork("bridge", "no-such-box"))) {
      DockerException e = assertThrows(DockerException.class, call);
      assertEquals(DockerException.Reason.NOT_FOUND, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("'no-such-box'"), e.getMessage());
      assertTrue(e.getMessage().contains(endpoint), e.getMessage());
    }
    for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
        () -> docker1.network("no-such-net"), () -> docker1.removeNetwork("no-such-net"),
        () -> docker1.connectNetwork("no-such-net", "web1"), () -> docker1.disconnectNetwork("no-such-net", "web1"))) {
      DockerException e = assertThrows(DockerException.class, call);
      assertEquals(DockerException.Reason.NOT_FOUND, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("'no-such-net'"), e.getMessage());
    }
    DockerException e = assertThrows(DockerException.class, () -> docker1.container("no-such-box"));
    LOG.info("unknown container: {}", e.getMessage());
    e = assertThrows(DockerException.class, () -> docker1.newContainer("web1").image(WebImage.REFERENCE).create());
    assertEquals(DockerException.Reason.CONFLICT, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("'web1'"), e.getMessage());
    e = assertThrows(DockerException.class, () -> docker1.newContainer("x1").image("sixkit/none:0").create());
    assertEquals(DockerException.Reason.NOT_FOUND, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("sixkit/none:0"), e.getMessage());
  }

  @Test
  @Order(9)
  void secondDaemonForTheSameHostIsRefused() {
    SixkitException e = assertThrows(SixkitException.class,
        () -> daemon("docker1", h1).start());
    assertTrue(e.getMessage().contains("already runs"), e.getMessage());
    e = assertThrows(SixkitException.class, () -> daemon("docker9", "sxt-no-such-ns").start());
    assertTrue(e.getMessage().contains("sxt-no-such-ns"), e.getMessage());
  }

  @Test
  @Order(10)
  void failedStartShowsTheLogAndLeavesNothing() {
    String ns = nets.create("h3").name();
    SixkitException e = assertThrows(SixkitException.class,
        () -> daemon("bad", ns).arg("--no-such-flag").start());
    assertTrue(e.getMessage().contains("no-such-flag"), e.getMessage());
    assertFalse(HostDirs.of(lab, "bad").exists());
  }

  // ---------------------------------------------------------------- the recipe

  @Test
  @Order(20)
  void ndpProxyRecipe() {
    if (!engine.system()) {
      ndpProxyRecipeOnDocker28();
      return;
    }
    String w1 = web1.toCanonicalString();
    String w2 = web2.toCanonicalString();
    // before: docker2's host cannot resolve web1's address on eth0, nobody answers for it
    ExecResult before = docker2.exec("web2", "ping6", "-c", "2", "-W", "2", w1);
    assertNotEquals(0, before.exitCode(), before.stdout());
    String state = neighbourState(h2, w1);
    assertTrue(state.contains("INCOMPLETE") || state.contains("FAILED"), "h2's entry for web1: " + state);
    LOG.info("before: ping6 web2 -> web1 failed, h2 neighbour {} {}", w1, state);

    // the recipe: proxy_ndp on both hosts, one proxy entry per container on its own host
    for (String ns : List.of(h1, h2)) {
      Ip.Result r = Ip.exec(ns, "sysctl", "-w", "net.ipv6.conf.eth0.proxy_ndp=1");
      assertEquals(0, r.exit(), r.err());
    }
    Ip.run(h1, "-6", "neigh", "add", "proxy", w1, "dev", "eth0");
    Ip.run(h2, "-6", "neigh", "add", "proxy", w2, "dev", "eth0");

    ExecResult ping = retry(() -> docker2.exec("web2", "ping6", "-c", "2", "-W", "2", w1));
    assertEquals(0, ping.exitCode(), ping.stdout() + ping.stderr());
    ExecResult page = wget(docker2, "web2", "http://[" + w1 + "]/");
    assertEquals(0, page.exitCode(), page.stderr());
    assertEquals("Web Server #1\n", page.stdout());
    ExecResult back = wget(docker1, "web1", "http://[" + w2 + "]/");
    assertEquals("Web Server #2\n", back.stdout(), back.stderr());
    LOG.info("after: ping6 answers, web2 reads '{}', web1 reads '{}'", page.stdout().trim(), back.stdout().trim());
  }

  /**
   * Docker 28: the seed's steps alone are dropped by the engine's packet filter (its raw
   * PREROUTING rule, whose counter counts the pings); a user-defined network in routed gateway
   * mode with the same proxy entry makes ping6 and a published port answer, while an unpublished
   * port stays closed, as Docker documents for that mode.
   */
  private void ndpProxyRecipeOnDocker28() {
    String w1 = web1.toCanonicalString();
    for (String ns : List.of(h1, h2)) {
      Ip.run(ns, "-6", "neigh", "flush", "dev", "eth0");
      assertEquals(0, Ip.exec(ns, "sysctl", "-w", "net.ipv6.conf.eth0.proxy_ndp=1").exit());
    }
    Ip.run(h1, "-6", "neigh", "add", "proxy", w1, "dev", "eth0");
    Ip.run(h2, "-6", "neigh", "add", "proxy", web2.toCanonicalString(), "dev", "eth0");
    ExecResult dropped = docker2.exec("web2", "ping6", "-c", "2", "-W", "2", w1);
    assertNotEquals(0, dropped.exitCode(), "Docker 28 drops it: " + dropped.stdout());
    String raw = Ip.exec(h1, "ip6tables", "-t", "raw", "-S", "PREROUTING", "-v").out();
    assertTrue(raw.lines().anyMatch(l -> l.startsWith("-A PREROUTING -d " + w1 + "/128 ! -i docker0 -c ")
        && !l.contains(" -c 0 0 ") && l.endsWith("-j DROP")), "the raw rule counted the pings: " + raw);

    docker1.newNetwork("sx-routed6").ipv6().subnet("2001:db8:ab11:0:4000::/67")
        .option(DockerNetwork.GATEWAY_MODE_IPV6, "routed").option("com.docker.network.bridge.name", "sxbr6").create();
    try {
      docker1.newContainer("webr").image(WebImage.REFERENCE).command(WebImage.command("Web Server #1r").toArray(String[]::new))
          .network("sx-routed6").publish(80, 80).stopTimeout(Duration.ofSeconds(1)).start();
      docker1.newContainer("webu").image(WebImage.REFERENCE).command(WebImage.command("unpublished").toArray(String[]::new))
          .network("sx-routed6").stopTimeout(Duration.ofSeconds(1)).start();
      String r = docker1.container("webr").network("sx-routed6").orElseThrow().ipv6().orElseThrow().toCanonicalString();
      String u = docker1.container("webu").network("sx-routed6").orElseThrow().ipv6().orElseThrow().toCanonicalString();
      Ip.run(h1, "-6", "neigh", "add", "proxy", r, "dev", "eth0");
      Ip.run(h1, "-6", "neigh", "add", "proxy", u, "dev", "eth0");
      ExecResult ping = retry(() -> docker2.exec("web2", "ping6", "-c", "2", "-W", "2", r));
      assertEquals(0, ping.exitCode(), ping.stdout() + ping.stderr());
      assertEquals("Web Server #1r\n", wget(docker2, "web2", "http://[" + r + "]/").stdout());
      assertEquals(0, retry(() -> docker2.exec("web2", "ping6", "-c", "2", "-W", "2", u)).exitCode(), "ICMPv6 is let in");
      // an unpublished port: the engine drops the SYN, so wget hangs until the exec's time is up
      boolean closed;
      try {
        closed = !docker2.exec("web2", Duration.ofSeconds(8), List.of("wget", "-qO-", "http://[" + u + "]/")).ok();
      } catch (DockerException e) {
        closed = e.reason() == DockerException.Reason.TIMEOUT;
      }
      assertTrue(closed, "an unpublished port stays closed in routed mode");
    } finally {
      docker1.removeIfExists("webr");
      docker1.removeIfExists("webu");
      docker1.removeNetwork("sx-routed6");
      Ip.exec(h1, "-6", "neigh", "flush", "proxy");
    }
  }

  /** busybox 1.35's wget (Debian busybox-static) dies of SIGSEGV with -T: the exec timeout bounds it instead. */
  private static ExecResult wget(Docker docker, String container, String url) {
    return docker.exec(container, Duration.ofSeconds(30), List.of("wget", "-qO-", url));
  }

  private static String neighbourState(String ns, String addr) {
    for (JsonNode n : Ip.json(ns, "-6", "neigh", "show", "dev", "eth0")) {
      if (new IPAddressString(n.path("dst").asText()).getAddress().toCanonicalString().equals(addr)) {
        return n.path("state").toString();
      }
    }
    return "(no entry)";
  }

  private static ExecResult retry(java.util.function.Supplier<ExecResult> s) {
    ExecResult r = s.get();
    for (int i = 0; i < 2 && !r.ok(); i++) {
      r = s.get();
    }
    return r;
  }

  // ---------------------------------------------------------------- crash cleanup

  @Test
  @Order(30)
  void cleanupAfterAKilledDaemonRemovesEverything() throws Exception {
    String ns = nets.create("h4").name();
    DockerDaemon d3 = daemon("docker3", ns).fixedCidrV6("2001:db8:ab11:0:4000::/66").start();
    HostDirs dirs = d3.dirs();
    Docker docker3 = Docker.connect(d3.endpoint());
    WebImage.standard().importInto(docker3);
    Container c = docker3.newContainer("victim").image(WebImage.REFERENCE).publish(8081, 80).start();
    docker3.close();
    long containerd = Procs.readPidFile(dirs.containerdPidFile()).orElseThrow();
    assertTrue(Procs.alive(containerd));
    long shimPid = Procs.all().stream().filter(p -> Procs.cmdline(p).contains("-id " + c.id())).findFirst().orElseThrow();
    assertFalse(Mounts.under(List.of(dirs.dataRoot(), dirs.execRoot())).isEmpty());
    Path shim = Path.of("/run/containerd/s", DaemonCleanup.shimSocketName(dirs.containerdSocket(), "moby", c.id()));
    assertTrue(Files.exists(shim), "shim socket " + shim);

    // the crash: dockerd dies without a word (containerd and docker-proxy follow it: dockerd
    // starts them with PDEATHSIG); the shim, the container and every mount stay
    Procs.kill(d3.pid());
    Procs.awaitGone(List.of(d3.pid(), containerd), Duration.ofSeconds(10));
    assertTrue(Procs.alive(shimPid), "the shim outlives a killed dockerd");
    assertFalse(Mounts.under(List.of(dirs.dataRoot(), dirs.execRoot())).isEmpty());

    assertEquals(List.of("docker1", "docker2", "docker3"), HostDirs.hosts(lab).stream().map(HostDirs::host).toList());
    DockerDaemon.Cleanup done = DockerDaemon.cleanup(lab, "docker3");
    LOG.info("cleanup after kill: killed {}, unmounted {}, removed {}", done.killed(), done.unmounted().size(),
        done.removed().size());
    assertTrue(done.killed().contains(shimPid), done.toString());
    assertFalse(Procs.alive(shimPid));
    assertFalse(Procs.alive(containerd));
    assertFalse(dirs.exists());
    assertFalse(Files.exists(shim));
    assertTrue(Mounts.under(List.of(dirs.varDir(), dirs.runDir())).isEmpty());
    assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids", dirs.cgroupParent())));
    String exec = dirs.execRoot().toString();
    assertTrue(Procs.all().stream().noneMatch(p -> Procs.cmdline(p).contains(exec)));
    assertTrue(Ip.exec(ns, "ss", "-Hltn").out().lines().noneMatch(l -> l.contains(":8081")), "docker-proxy is gone");
    // a second cleanup finds nothing
    assertTrue(DockerDaemon.cleanup(lab, "docker3").nothingFound());
  }

  @Test
  @Order(31)
  void startOverTheLeftoversOfAKilledRunRecovers() {
    String ns = nets.create("h5").name();
    DockerDaemon first = daemon("docker5", ns).fixedCidrV6("2001:db8:ab11:0:4000::/66").start();
    Container old;
    try (Docker docker = Docker.connect(first.endpoint())) {
      WebImage.standard().importInto(docker);
      old = docker.newContainer("old").image(WebImage.REFERENCE).start();
    }
    long oldShim = Procs.all().stream().filter(p -> Procs.cmdline(p).contains("-id " + old.id())).findFirst().orElseThrow();
    Procs.kill(first.pid());
    Procs.awaitGone(List.of(first.pid()), Duration.ofSeconds(10));
    assertTrue(Procs.alive(oldShim));

    // lab up over a half-removed lab: the leftovers go first, then a fresh daemon starts
    try (DockerDaemon again = daemon("docker5", ns).fixedCidrV6("2001:db8:ab11:0:4000::/66")
        .start()) {
      assertFalse(Procs.alive(oldShim), "the old shim was killed");
      assertTrue(again.isRunning());
      assertTrue(again.docker().findContainer("old").isEmpty(), "a fresh data root");
      assertTrue(again.docker().daemon(again.config()).ipv6Enabled());
    }
    HostDirs dirs = HostDirs.of(lab, "docker5");
    assertFalse(dirs.exists());
    assertTrue(Mounts.under(List.of(dirs.varDir(), dirs.runDir())).isEmpty());
  }
}
