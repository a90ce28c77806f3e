package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.plan.Mode;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code sixkit ndp sync} as a process of its own, killed with -9 in the middle of a reconcile
 * and started again with another set of addresses: nothing stale, nothing missing, a foreign entry
 * untouched. And {@code sixkit doctor} on the same lab before and after.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NdpSyncCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Lab lab;
  private static Path work;
  private static String web1;
  private static final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void up() throws IOException {
    Root.require();
    String name = "sxq" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(2).mode(Mode.NDP_PROXY).up();
    work = Files.createTempDirectory("sixkit-ndp-cli");
    try (var d = dev.sixkit.docker.Docker.connect(lab.host("docker1").dockerEndpoint())) {
      web1 = d.container("web1").ipv6().orElseThrow().toCanonicalString();
    }
  }

  @AfterAll
  static void down() throws IOException {
    for (Process p : children) {
      p.destroyForcibly();
    }
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
      assertTrue(Lab.exists(lab.name()) == false, "lab removed");
    }
    if (work != null) {
      try (var s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static String ns1() {
    return lab.host("docker1").netns();
  }

  static String[] run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.execute(new PrintWriter(o, true), new PrintWriter(e, true), args);
    return new String[] {Integer.toString(code), o.toString(), e.toString()};
  }

  static Set<String> table() {
    Set<String> out = new TreeSet<>();
    for (JsonNode n : Ip.json(ns1(), "-6", "neigh", "show", "proxy")) {
      out.add(n.get("dst").asText());
    }
    return out;
  }

  /** {@code count} addresses of docker1's prefix from {@code offset}, distinct low 24 bits. */
  static List<String> addresses(int offset, int count) {
    BigInteger base = dev.sixkit.plan.Prefixes.prefix(lab.host("docker1").dockerPrefix()).getValue().add(BigInteger.valueOf(0xab0000L));
    List<String> out = new ArrayList<>();
    for (int i = offset; i < offset + count; i++) {
      out.add(new inet.ipaddr.ipv6.IPv6Address(base.add(BigInteger.valueOf(i))).toCanonicalString());
    }
    return out;
  }

  /**
   * The sync as the launcher starts it (SyncJvm: its small JVM on the lean class path), logging
   * every class it loads, so a test can show docker-java and Jackson never enter the process.
   */
  static Process sync(Path staticFile, Path state) throws IOException {
    int n = children.size();
    List<String> cmd = SyncJvm.command(List.of("-Xlog:class+load=info:file=" + work.resolve("classes-" + n + ".log")),
        List.of("--lab", lab.name(), "--host", "docker1", "--state-dir", state.toString(), "--static-file",
            staticFile.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("sync-" + n
        + ".log").toFile());
    pb.environment().putAll(SyncJvm.ENVIRONMENT);
    Process p = pb.start();
    children.add(p);
    return p;
  }

  /** {@code sixkit ndp sync ARGS} in the sync's lean process; [exit code, output]. */
  static String[] runLean(String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(SyncJvm.command(List.of(), List.of(args))).redirectErrorStream(true);
    pb.environment().putAll(SyncJvm.ENVIRONMENT);
    Process p = pb.start();
    children.add(p);
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
    assertFalse(out.contains("NoClassDefFoundError"), out);
    return new String[] {Integer.toString(p.exitValue()), out};
  }

  /** The classes the n-th sync process loaded that come from the named packages. */
  static List<String> loaded(int n, String... packages) throws IOException {
    return Files.readAllLines(work.resolve("classes-" + n + ".log")).stream()
        .filter(l -> java.util.Arrays.stream(packages).anyMatch(l::contains)).toList();
  }

  static void awaitTable(Set<String> want) {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Set<String> t = table();
    while (!t.equals(want) && System.nanoTime() < end) {
      sleep(50);
      t = table();
    }
    assertEquals(want.size(), t.size(), "entries");
    assertEquals(want, t);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @Order(1)
  void doctorBeforeTheSyncSaysNeedsNdpProxy() throws Exception {
    String[] r = run("doctor", "--lab", lab.name(), "--host", "docker2", "--to", web1, "--from", "web2", "--json");
    assertEquals("0", r[0], r[2]);
    JsonNode d = JSON.readTree(r[1]).get("reach");
    assertEquals("NEEDS_NDP_PROXY", d.get("verdict").asText(), r[1]);
    assertEquals("docker1", d.get("fixes").get(0).get("host").asText());
    assertEquals("sysctl -w net.ipv6.conf.eth0.proxy_ndp=1 net.ipv6.neigh.eth0.proxy_delay=0 && ip -6 neigh add proxy "
        + web1 + " dev eth0", d.get("fixes").get(0).get("ipCommand").asText());
    assertEquals("docker2", d.get("fixes").get(1).get("host").asText(), "the way back is named too");
    String[] strict = run("doctor", "--lab", lab.name(), "--host", "docker2", "--to", web1, "--strict");
    assertEquals(Integer.toString(DoctorCommand.NOT_REACHABLE), strict[0]);
    assertTrue(strict[1].contains("verdict: NEEDS_NDP_PROXY"), strict[1]);
  }

  @Test
  @Order(2)
  void killedMidReconcileItConvergesOnRestart() throws Exception {
    Path state = work.resolve("state");
    List<String> first = addresses(0, 3000);
    Path f1 = work.resolve("static1.txt");
    Files.write(f1, first);
    String foreign = "2001:db8:ab11:0:8000::f0f0";
    Ip.run(ns1(), "-6", "neigh", "add", "proxy", foreign, "dev", "eth0");

    Process p = sync(f1, state);
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int n = table().size();
    while (n < 100 && System.nanoTime() < end) {
      n = table().size();
    }
    p.destroyForcibly(); // SIGKILL, in the middle of adding 3000 entries
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    int left = table().size();
    assertTrue(left > 1 && left < first.size() + 2, "killed mid-reconcile: " + left + " of " + (first.size() + 2)
        + " entries were there");

    // Restart with another set: half of the old one, plus new ones. The old half it added must go.
    List<String> second = new ArrayList<>(addresses(0, 1000));
    second.addAll(addresses(5000, 500));
    Path f2 = work.resolve("static2.txt");
    Files.write(f2, second);
    Process again = sync(f2, state);
    Set<String> want = new TreeSet<>(second);
    want.add(web1);
    want.add(foreign);
    awaitTable(want);
    // nothing stale: exactly the wanted set; the foreign entry stays
    assertTrue(table().contains(foreign));
    String log = Files.readString(work.resolve("sync-" + (children.size() - 1) + ".log"));
    assertTrue(log.contains("foreign kept [" + foreign + "]"), log.lines().filter(l -> l.contains("reconcile")).toList().toString());
    // the ownership record is the kernel's mark: exactly what it owns now carries protocol 171
    Set<String> recorded = new TreeSet<>();
    for (var e : Ip.json(ns1(), "-6", "neigh", "show", "proxy")) {
      if (e.has("protocol") && String.valueOf(dev.sixkit.netlink.Protocols.SIXKIT).equals(e.get("protocol").asText())) {
        recorded.add(e.get("dst").asText());
      }
    }
    Set<String> ours = new TreeSet<>(second);
    ours.add(web1);
    assertEquals(ours, recorded);

    // a flush behind its back is restored; the foreign entry is not ours to restore
    Ip.run(ns1(), "-6", "neigh", "flush", "proxy", "dev", "eth0");
    awaitTable(ours);
    // it read Docker (web1's entry is there) without docker-java, Jackson or Groovy in the process
    assertEquals(List.of(), loaded(children.size() - 1, "com.github.dockerjava", "com.fasterxml.jackson", "groovy."));
    assertFalse(loaded(children.size() - 1, "dev.sixkit.internal.docker.EngineReader").isEmpty(), "read through EngineReader");
    again.destroy(); // SIGTERM: a clean stop leaves the entries in place
    assertTrue(again.waitFor(10, TimeUnit.SECONDS));
    assertEquals(ours, table());
    assertFalse(again.isAlive());
  }

  @Test
  @Order(3)
  void doctorAfterTheSync() throws Exception {
    // docker1's sync proxies web1; docker2 still does not answer for web2 on the way back
    String[] r = run("doctor", "--lab", lab.name(), "--host", "docker2", "--to", web1, "--from", "web2", "--json");
    JsonNode d = JSON.readTree(r[1]).get("reach");
    assertEquals("RETURN_PATH_BROKEN", d.get("verdict").asText(), r[1]);
    // Without --from the doctor finds a container on docker2 itself and checks both ways too.
    String[] ok = run("doctor", "--lab", lab.name(), "--host", "docker2", "--to", web1, "--exposure", "--json");
    JsonNode j = JSON.readTree(ok[1]);
    assertEquals("RETURN_PATH_BROKEN", j.get("reach").get("verdict").asText(), ok[1]);
    JsonNode web2 = null;
    for (JsonNode c : j.get("exposure").get("containers")) {
      if (c.get("container").asText().equals("web2")) {
        web2 = c;
      }
    }
    assertTrue(web2 != null && web2.get("fullyExposed").asBoolean(), ok[1]);
  }

  @Test
  @Order(4)
  void unitAndPersistence() throws Exception {
    // as users run them: in the sync's own lean process (no docker-java, Jackson, Groovy)
    String[] unit = runLean("--netns", ns1(), "--docker", lab.host("docker1").dockerEndpoint(), "--prefix",
        "2001:db8:ab11:0:8000::/66", "--print-unit");
    assertEquals("0", unit[0], unit[1]);
    assertTrue(unit[1].contains("ExecStart=") && unit[1].contains(" ndp sync --netns " + ns1()), unit[1]);
    assertTrue(unit[1].contains("--prefix 2001:db8:ab11:0:8000::/66"), unit[1]);
    Path root = work.resolve("root");
    Files.createDirectories(root.resolve("etc/docker"));
    Files.writeString(root.resolve("etc/docker/daemon.json"), "{\"log-level\": \"warn\", \"dns\": [\"2001:db8::53\"]}");
    String[] once = runLean("--lab", lab.name(), "--host", "docker2", "--state-dir",
        work.resolve("state2").toString(), "--once", "--persist-to", root.toString());
    assertEquals("0", once[0], once[1]);
    assertTrue(once[1].contains("+ proxy "), once[1]);
    assertTrue(Files.readString(root.resolve("etc/sysctl.d/60-sixkit-ndp-proxy.conf")).contains("proxy_ndp = 1"));
    JsonNode daemonJson = JSON.readTree(root.resolve("etc/docker/daemon.json").toFile());
    assertEquals("2001:db8:ab11:0:c000::/66", daemonJson.get("fixed-cidr-v6").asText());
    assertTrue(daemonJson.get("ipv6").asBoolean());
    assertEquals("warn", daemonJson.get("log-level").asText(), "the operator's keys are kept");
    assertEquals("2001:db8::53", daemonJson.get("dns").get(0).asText());
    // with docker2 proxying web2 too, the doctor's answer from web2's side is REACHABLE
    String[] r = run("doctor", "--lab", lab.name(), "--host", "docker2", "--to", web1, "--from", "web2", "--json");
    assertEquals("REACHABLE", JSON.readTree(r[1]).get("reach").get("verdict").asText(), r[1]);
  }

  @Test
  @Order(5)
  void onTheLeanClassPathABadEndpointIsAClearErrorNotAMissingClass() throws Exception {
    List<String> cmd = SyncJvm.command(List.of(), List.of("--netns", ns1(), "--docker", "ssh://root@docker2",
        "--state-dir", work.resolve("state-bad").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(SyncJvm.ENVIRONMENT);
    Process p = pb.start();
    children.add(p);
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("ssh://root@docker2") && out.contains("expected unix:///path or tcp://host:port"), out);
    assertFalse(out.contains("NoClassDefFoundError"), out);
  }
}
