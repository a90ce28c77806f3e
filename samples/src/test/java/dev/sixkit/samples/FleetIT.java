package dev.sixkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.docker.Docker;
import dev.sixkit.plan.Mode;
import dev.sixkit.cli.Main;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.LabSsh;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet over SSH on a real lab of three hosts, each with its own OpenSSH server: the fleet
 * sample (plan, apply, verify with ping and HTTP across hosts, undo, ip -json before and after),
 * {@code --limit}, an sshd killed in the middle of an apply, a changed host key and an inventory
 * with a bad line. Every outcome is read back from the hosts' kernels with ip -json.
 */
class FleetIT {
  private static Lab lab;
  private static String before;

  @TempDir
  Path tmp;

  @BeforeAll
  static void up() {
    Root.require();
    String name = "sxfl" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(3).mode(Mode.NDP_PROXY).ssh(true)
        .progress(m -> System.out.println("fleet lab: " + m)).up();
    before = state();
  }

  @AfterAll
  static void down() throws IOException {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
      for (String setup : List.of(lab.name() + "-fleet", lab.name() + "-inv")) {
        Path journal = Path.of("/var/lib/sixkit/dsl", setup);
        Files.deleteIfExists(journal.resolve("last-apply.json"));
        Files.deleteIfExists(journal);
      }
    }
  }

  /** Every test leaves the hosts as they were (and when one did not, the next starts clean all the same). */
  @AfterEach
  void same() throws IOException {
    String after = state();
    if (!after.equals(before)) {
      for (LabHost h : lab.hosts()) {
        Ip.exec(h.netns(), "sysctl", "-qw", "net.ipv6.conf.eth0.proxy_ndp=0", "net.ipv6.neigh.eth0.proxy_delay=80");
        Ip.exec(h.netns(), "ip", "-6", "neigh", "flush", "proxy", "dev", "eth0");
      }
      for (String setup : List.of(lab.name() + "-fleet", lab.name() + "-inv")) {
        Files.deleteIfExists(Path.of("/var/lib/sixkit/dsl", setup, "last-apply.json"));
      }
    }
    assertEquals(before, after, "the test left the lab as it found it");
  }

  /** What the setup touches, per host, as ip and sysctl see it. */
  private static String state() {
    TreeMap<String, String> m = new TreeMap<>();
    for (LabHost h : lab.hosts()) {
      m.put(h.name(), host(h));
    }
    return m.toString();
  }

  private static String host(LabHost h) {
    List<String> proxies = new ArrayList<>();
    for (JsonNode n : Ip.json(h.netns(), "-6", "neigh", "show", "proxy")) {
      proxies.add(n.path("dst").asText() + " " + n.path("dev").asText());
    }
    return "proxies " + proxies + " proxy_ndp "
        + Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.conf.eth0.proxy_ndp").out().strip() + " proxy_delay "
        + Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.neigh.eth0.proxy_delay").out().strip();
  }

  private static String web(String host) {
    try (Docker d = Docker.connect(lab.host(host).dockerEndpoint())) {
      return d.container(lab.host(host).webContainer()).ipv6().orElseThrow().toCanonicalString();
    }
  }

  private static String applied(String host) {
    return "proxies [" + web(host) + " eth0] proxy_ndp 1 proxy_delay 0";
  }

  record Run(int exit, String out, String err) {}

  /** ./sixkit run ARGS... in this JVM. */
  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> a = new ArrayList<>(List.of("run"));
    a.addAll(List.of(args));
    int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), a.toArray(String[]::new));
    System.out.println(out);
    System.out.println(err);
    return new Run(rc, out.toString(), err.toString());
  }

  private static Run run(int expected, String... args) {
    Run r = run(args);
    assertEquals(expected, r.exit(), "exit status of run " + String.join(" ", args) + "; stderr: " + r.err()
        + "\nstdout: " + r.out());
    return r;
  }

  @Test
  void fleetSamplePlansAppliesVerifiesAndUndoesOverSsh() {
    String planned = run(0, "groovy/fleet.groovy", lab.name(), "--plan").out();
    assertTrue(planned.contains("9 changes (docker1 3, docker2 3, docker3 3)"), planned);
    assertTrue(planned.contains("ssh root@["), planned);
    assertEquals(before, state(), "--plan changes nothing");

    Run done = run(0, "groovy/fleet.groovy", lab.name(), "--forks", "2");
    assertTrue(done.out().contains("apply: 9 changes made"), done.out());
    assertTrue(done.out().contains("apply: nothing to change"), done.out());
    assertTrue(done.out().contains("verify: 6 of 6 pairs answer ping6 and HTTP"), done.out());
    assertTrue(done.err().contains("fleet: 3 hosts: 3 ok"), done.err());
    for (LabHost h : lab.hosts()) {
      assertEquals(applied(h.name()), host(h));
    }
    String journal = read(Path.of("/var/lib/sixkit/dsl", lab.name() + "-fleet", "last-apply.json"));
    assertTrue(journal.contains("\"docker1\" : \"ssh root@[" + lab.host("docker1").managementAddress() + "]\""),
        "the undo record says how each host was reached: " + journal);

    Run undone = run(0, "groovy/fleet.groovy", lab.name(), "undo");
    assertTrue(undone.out().contains("undo: 9 changes made"), undone.out());
  }

  @Test
  void limitTouchesOnlyTheNamedHosts() {
    run(0, "groovy/fleet.groovy", lab.name(), "--limit", "docker2");
    assertEquals(applied("docker2"), host(lab.host("docker2")));
    assertEquals("proxies [] proxy_ndp 0 proxy_delay 80", host(lab.host("docker1")), "docker1 untouched");
    assertEquals("proxies [] proxy_ndp 0 proxy_delay 80", host(lab.host("docker3")), "docker3 untouched");
    Run unknown = run(1, "groovy/fleet.groovy", lab.name(), "--limit", "docker9");
    assertTrue(unknown.err().contains("docker9"), unknown.err());
    run(0, "groovy/fleet.groovy", lab.name(), "undo", "--limit", "docker2");
  }

  @Test
  void sshdKilledMidApplyLeavesTheOthersDoneAndTheRerunCompletesIt() throws IOException {
    // The sample, with a hook that kills docker3's sshd (and its sessions) just before its last change (the entry).
    String sample = read(Path.of("groovy/fleet.groovy"));
    Path script = tmp.resolve("fleet-cut.groovy");
    Files.writeString(script, sample.replace("switch (action) {",
        "sixkitSession.current().status { h, m -> if (h == 'docker3' && m == 'apply 3/3') "
            + "dev.sixkit.lab.LabSsh.stopHost(labName, 'docker3') }\nswitch (action) {"));
    try {
      Run cut = run(1, script.toString(), lab.name());
      assertTrue(cut.err().contains("docker3"), cut.err());
      assertTrue(cut.err().contains("failed on docker3"), cut.err());
      assertEquals(applied("docker1"), host(lab.host("docker1")));
      assertEquals(applied("docker2"), host(lab.host("docker2")));
      assertTrue(host(lab.host("docker3")).startsWith("proxies []"), "docker3 stopped before its proxy entry");
    } finally {
      LabSsh.startHost(lab.name(), lab.host("docker3"));
    }
    Run again = run(0, "groovy/fleet.groovy", lab.name());
    assertTrue(again.out().contains("apply: 1 change made (docker1 0, docker2 0, docker3 1)"), again.out());
    assertEquals(applied("docker3"), host(lab.host("docker3")));
    Run undone = run(0, "groovy/fleet.groovy", lab.name(), "undo");
    assertTrue(undone.out().contains("undo: 9 changes made"), "both applies are undone: " + undone.out());
  }

  /** An inventory of the lab's hosts, with a known_hosts file of the test's choosing. */
  private Path inventory(Path knownHosts, String extraLine) throws IOException {
    StringBuilder t = new StringBuilder("# the lab, as an operator would list it\n* - uplink=eth0 identity="
        + LabSsh.clientKey(lab.name()) + " knownHosts=" + knownHosts + "\n");
    for (LabHost h : lab.hosts()) {
      t.append(h.name()).append("  root@[").append(h.managementAddress()).append("]  address=")
          .append(h.underlayAddress()).append(" docker=/run/sixkit/lab/").append(lab.name()).append('/')
          .append(h.name()).append("/docker.sock\n");
      if (h.index() == 1 && extraLine != null) {
        t.append(extraLine).append('\n');
      }
    }
    Path inv = tmp.resolve("hosts.txt");
    Files.writeString(inv, t);
    Path script = tmp.resolve("inv.groovy");
    Files.writeString(script, "setup(args[1]) { underlay '2001:db8:ab11::/64'; mode ndpProxy; inventory args[0] }\n"
        + "if (args.length > 2 && args[2] == 'undo') { undo() } else { apply() }\n");
    return inv;
  }

  @Test
  void changedHostKeyIsRefusedBeforeAnythingIsSent() throws IOException {
    // docker1's address, with docker2's key: what a man in the middle would show
    String docker2Key = Files.readString(LabSsh.hostKey(lab.name(), "docker2").resolveSibling("ssh_host_ed25519_key.pub"))
        .strip().split("\\s+", 3)[0] + " " + Files.readString(LabSsh.hostKey(lab.name(), "docker2")
        .resolveSibling("ssh_host_ed25519_key.pub")).strip().split("\\s+", 3)[1];
    StringBuilder known = new StringBuilder();
    for (String l : Files.readAllLines(LabSsh.knownHosts(lab.name()))) {
      known.append(l.contains(lab.host("docker1").managementAddress()) ? l.split("\\s+")[0] + " " + docker2Key : l)
          .append('\n');
    }
    Path kh = tmp.resolve("known_hosts");
    Files.writeString(kh, known);
    String sshdLogBefore = read(LabSsh.logFile(lab.name(), "docker1"));
    Path inv = inventory(kh, null);
    Run r = run(1, tmp.resolve("inv.groovy").toString(), inv.toString(), lab.name() + "-inv");
    assertTrue(r.err().contains("docker1") && r.err().contains("has CHANGED"), r.err());
    assertTrue(r.err().contains("fleet: 3 hosts: 2 ok, 1 failed (docker1: apply FAILED: cannot reach it"), r.err());
    assertTrue(host(lab.host("docker1")).startsWith("proxies [] proxy_ndp 0 proxy_delay 80"), "nothing changed on docker1");
    assertEquals(applied("docker2"), host(lab.host("docker2")));
    assertFalse(read(LabSsh.logFile(lab.name(), "docker1")).substring(sshdLogBefore.length()).contains("Accepted"),
        "docker1 never got as far as a login");
    run(0, tmp.resolve("inv.groovy").toString(), inv.toString(), lab.name() + "-inv", "undo");
  }

  @Test
  void inventoryWithABadLineIsRefusedNamingTheLine() throws IOException {
    Path inv = inventory(LabSsh.knownHosts(lab.name()), "docker9  root@[fd00::9]  uplnk=eth0");
    Run r = run(1, tmp.resolve("inv.groovy").toString(), inv.toString(), lab.name() + "-inv");
    assertTrue(r.err().contains("hosts.txt:4: ") && r.err().contains("unknown key 'uplnk'; did you mean uplink?"),
        r.err());
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
