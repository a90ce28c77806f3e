package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Host;
import dev.sixkit.host.HostPool;
import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.host.SshHost;
import dev.sixkit.host.SshOptions;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.DesiredSetup;
import dev.sixkit.plan.HostConnector;
import dev.sixkit.plan.HostEntry;
import dev.sixkit.plan.HostState;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.SetupEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link HostPool} between setup engines against real OpenSSH servers in a two-host lab: the
 * second engine plans over the first one's connections (no new SSH session, read back with
 * {@code ss} in the hosts' namespaces), a rewritten known_hosts makes the next engine connect
 * again and refuse the changed key before authenticating, a killed server gives a clear error for
 * its host only and a restarted one works again, and closing the pool leaves no session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostPoolIT {
  private Lab lab;
  @TempDir
  Path tmp;

  /** The SshHosts the connectors below opened (identity equality: it is shared by equal connectors). */
  static final class Opened {
    final List<SshHost> hosts = new CopyOnWriteArrayList<>();

    List<SshHost> of(String host) {
      return hosts.stream().filter(h -> h.name().equals(host)).toList();
    }
  }

  /**
   * A lab host over SSH, as the scripting module's SshConnector (a value, poolable), noting each
   * host it opens.
   */
  record LabSshConnector(String target, SshOptions options, Opened opened) implements HostConnector {
    @Override
    public Host open(String hostName, String dockerEndpoint) {
      SshOptions o = options.name(hostName);
      if (dockerEndpoint != null) {
        o = o.dockerSocket(dockerEndpoint.replaceFirst("^unix://", ""));
      }
      SshHost h = Host.ssh(target, o);
      opened.hosts.add(h);
      return h;
    }

    @Override
    public String describe() {
      return "ssh " + target;
    }

    @Override
    public boolean poolable() {
      return true;
    }
  }

  @BeforeAll
  void up() {
    Root.require();
    String name = "sxhp" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(2).mode(Mode.ROUTED).ssh(true)
        .progress(m -> System.out.println("lab: " + m)).up();
  }

  @AfterAll
  void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
      assertTrue(Lab.namespaces(lab.name()).isEmpty(), "the lab's namespaces must be gone");
    }
  }

  @AfterEach
  void serversBack() {
    for (LabHost h : lab.hosts()) {
      if (LabSsh.runningSshd(lab.name(), h.name()).isEmpty()) {
        LabSsh.stopHost(lab.name(), h.name());
        LabSsh.startHost(lab.name(), h);
      }
    }
  }

  /** The setup over SSH, built afresh each time (as each run of a script does), known_hosts given. */
  private DesiredSetup setup(Path knownHosts, Opened opened) {
    List<HostEntry> hosts = new ArrayList<>();
    for (LabHost h : lab.hosts()) {
      SshOptions o = LabSsh.options(lab.name(), h).knownHosts(knownHosts);
      hosts.add(new HostEntry(h.name(), new LabSshConnector(LabSsh.target(h), o, opened), h.uplink(), null,
          h.dockerEndpoint(), h.dockerPrefix(), List.of(), ""));
    }
    return new DesiredSetup(lab.name(), Mode.ROUTED, Prefixes.prefix(Lab.UNDERLAY), 0, hosts, null,
        tmp.resolve("state").toString());
  }

  private Path knownHostsCopy(String name) throws IOException {
    Path f = tmp.resolve(name);
    Files.copy(LabSsh.knownHosts(lab.name()), f);
    return f;
  }

  /** Established TCP sessions to the host's sshd, as ss sees them in its namespace. */
  private List<String> sessions(LabHost h) {
    Ip.Result r = Ip.exec(h.netns(), "ss", "-Htn", "state", "established", "( sport = :22 )");
    assertEquals(0, r.exit(), r.err());
    return r.out().lines().filter(l -> !l.isBlank()).toList();
  }

  /** Waits (up to 10 s: the server ends a session after the client's close) for {@code n} sessions. */
  private List<String> awaitSessions(LabHost h, int n) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> s = sessions(h);
    while (s.size() != n && System.nanoTime() < deadline) {
      Lab.sleep(50);
      s = sessions(h);
    }
    return s;
  }

  private int accepted(String host) throws IOException {
    String log = Files.readString(LabSsh.logFile(lab.name(), host));
    int n = 0;
    for (int i = log.indexOf("Accepted publickey"); i >= 0; i = log.indexOf("Accepted publickey", i + 1)) {
      n++;
    }
    return n;
  }

  private Plan planWith(HostPool pool, DesiredSetup setup) {
    try (SetupEngine e = new SetupEngine(setup).hosts(pool)) {
      return e.plan();
    }
  }

  @Test
  void aSecondEngineOnThePoolOpensNoNewConnection_andClosingThePoolEndsTheSessions() throws IOException {
    Path known = knownHostsCopy("known_hosts_reuse");
    Opened opened = new Opened();
    for (LabHost h : lab.hosts()) {
      assertEquals(0, awaitSessions(h, 0).size(), "no session before: " + sessions(h));
    }
    try (HostPool pool = new HostPool()) {
      Plan first;
      try (SetupEngine e = new SetupEngine(setup(known, opened)).hosts(pool)) {
        first = e.plan();
        assertTrue(first.ok(), first.toString());
        // a lease: closing it gives the host back, and it cannot be used afterwards
        Host lease = e.host("docker1");
        assertFalse(lease instanceof SshHost, "a lease, not the pooled host itself");
        assertEquals("docker1", lease.name());
        assertSame(lease, e.host("docker1"));
      }
      assertEquals(2, opened.hosts.size(), "one connection per host");
      assertEquals(2, pool.size(), pool.describe().toString());
      for (LabHost h : lab.hosts()) {
        assertEquals(1, sessions(h).size(), "the pool keeps the session open: " + sessions(h));
      }
      int accepted1 = accepted("docker1");

      // The second run: new setup objects, equal connectors.
      Plan second = planWith(pool, setup(known, opened));
      assertEquals(2, opened.hosts.size(), "no host opened afresh");
      for (SshHost h : opened.hosts) {
        assertEquals(1, h.connects(), h.name() + " connected once");
        assertEquals(1, h.shellStarts(), h.name() + ": one remote shell");
        assertTrue(h.reusable(), h.name());
      }
      for (LabHost h : lab.hosts()) {
        List<String> s = sessions(h);
        assertEquals(1, s.size(), "still one SSH session to " + h.name() + ": " + s);
      }
      assertEquals(accepted1, accepted("docker1"), "the server authenticated nobody again");
      assertEquals(first.toString(), second.toString());
      assertEquals(first.steps(), second.steps());
      assertEquals(first.problems(), second.problems());
      List<String> status = pool.describe();
      assertEquals(2, status.size(), status.toString());
      assertTrue(status.get(0).startsWith("docker1 ssh root@[" + lab.host("docker1").managementAddress() + "]:22")
          && status.get(0).contains("2 runs") && status.get(0).contains("idle"), status.toString());

      // a lease given back refuses to be used; the pooled host lives on
      Host lease = pool.open(setup(known, opened).host("docker2").connector(), "docker2",
          lab.host("docker2").dockerEndpoint());
      assertFalse(lease.interfaces().isEmpty());
      lease.close();
      lease.close(); // once only
      SixkitException gone = assertThrows(SixkitException.class, lease::interfaces);
      assertTrue(gone.getMessage().contains("given back"), gone.getMessage());
      assertEquals(2, pool.size());
      assertEquals(1, sessions(lab.host("docker2")).size());
      // a connector that is not poolable is opened for the caller and never pooled
      try (Host netns = pool.open(HostConnector.netns(lab.host("docker1").netns()), "docker1", null)) {
        assertFalse(netns.interfaces().isEmpty());
      }
      assertEquals(2, pool.size());
    }
    for (LabHost h : lab.hosts()) {
      List<String> s = awaitSessions(h, 0);
      assertEquals(List.of(), s, "closing the pool ends " + h.name() + "'s session");
    }
    for (SshHost h : opened.hosts) {
      assertFalse(h.reusable(), "closed with the pool");
    }
  }

  @Test
  void aRewrittenKnownHostsMakesTheNextEngineConnectAgain_andAChangedKeyIsRefusedBeforeAnythingIsSent()
      throws Exception {
    Path known = knownHostsCopy("known_hosts_edited");
    Opened opened = new Opened();
    LabHost d1 = lab.host("docker1");
    try (HostPool pool = new HostPool()) {
      Plan first = planWith(pool, setup(known, opened));
      assertTrue(first.ok(), first.toString());
      assertEquals(2, opened.hosts.size());
      SshHost old1 = opened.of("docker1").get(0);
      assertEquals(1, sessions(d1).size());

      // The operator puts another key for docker1 in the file (docker2's line stays as it was).
      Path other = tmp.resolve("other_host_key");
      Ip.Result kg = Ip.exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()));
      assertEquals(0, kg.exit(), kg.err());
      List<String> lines = new ArrayList<>();
      for (String l : Files.readAllLines(known)) {
        lines.add(l.startsWith(d1.managementAddress() + " ") ? d1.managementAddress() + " "
            + Files.readString(Path.of(other + ".pub")).strip() : l);
      }
      Files.write(known, lines);
      assertFalse(old1.reusable(), "the file that vouched for the key changed");
      int accepted = accepted("docker1");
      long sent = old1.commandsSent();

      try (SetupEngine e = new SetupEngine(setup(known, opened)).hosts(pool)) {
        SshException refused = assertThrows(SshException.class, () -> e.host("docker1"));
        assertEquals(Reason.CHANGED_HOST_KEY, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains(d1.managementAddress()) && refused.getMessage().contains("CHANGED"),
            refused.getMessage());
        Map<String, HostState> states = e.read();
        assertTrue(states.get("docker1").error().contains("CHANGED"), states.get("docker1").toString());
        // docker2's key is checked again too (same file) and still matches
        assertNull(states.get("docker2").error(), states.get("docker2").toString());
      }
      assertEquals(accepted, accepted("docker1"), "refused before authenticating: the server never saw our key");
      assertEquals(sent, old1.commandsSent(), "nothing sent on the old connection");
      assertEquals(1, opened.of("docker1").size(), "the refused connection never became a host");
      assertEquals(2, opened.of("docker2").size(), "docker2 connected again and its key was checked");
      assertEquals(List.of(), awaitSessions(d1, 0), "the old docker1 session was closed");
      assertEquals(1, pool.size(), pool.describe().toString());
      assertTrue(pool.describe().get(0).startsWith("docker2 "), pool.describe().toString());
    }
  }

  @Test
  void twoEnginesAtOnceShareOneConnection_andAHostRetiredWhileHeldClosesWhenGivenBack() throws IOException {
    Path known = knownHostsCopy("known_hosts_shared");
    Opened opened = new Opened();
    LabHost d1 = lab.host("docker1");
    try (HostPool pool = new HostPool()) {
      try (SetupEngine a = new SetupEngine(setup(known, opened)).hosts(pool)) {
        Plan pa = a.plan();
        try (SetupEngine b = new SetupEngine(setup(known, opened)).hosts(pool)) {
          assertEquals(pa.toString(), b.plan().toString());
          assertEquals(2, opened.hosts.size(), "both engines on the same two connections");
          assertTrue(pool.pooled().stream().allMatch(x -> x.held() == 2), pool.pooled().toString());
          assertTrue(pool.describe().get(0).contains("in use by 2"), pool.describe().toString());
        }
        assertTrue(pool.pooled().stream().allMatch(x -> x.held() == 1), pool.pooled().toString());

        // An edit to known_hosts (a comment: the keys are the same) while engine a holds the hosts.
        Files.writeString(known, "# checked by the operator\n", java.nio.file.StandardOpenOption.APPEND);
        try (SetupEngine c = new SetupEngine(setup(known, opened)).hosts(pool)) {
          assertEquals(pa.toString(), c.plan().toString());
          assertEquals(4, opened.hosts.size(), "the keys were checked again on new connections");
          assertEquals(2, sessions(d1).size(), "engine a's session stays open while a holds it: " + sessions(d1));
          // engine a goes on with its host (no longer lent to anyone else)
          assertFalse(a.host("docker1").interfaces().isEmpty());
          assertFalse(opened.of("docker1").get(0).reusable(), "retired: its known_hosts changed");
        }
      }
      // a gave its retired hosts back: they are closed; c's are pooled
      assertEquals(1, awaitSessions(d1, 1).size(), sessions(d1).toString());
      assertEquals(2, pool.size());
      assertTrue(opened.of("docker1").get(1).reusable());

      // unused longer than the idle time: closed
      try (HostPool brief = HostPool.builder().maxIdle(java.time.Duration.ofMillis(1)).build()) {
        planWith(brief, setup(known, opened));
        assertEquals(2, brief.size());
        assertEquals(2, awaitSessions(d1, 2).size(), sessions(d1).toString());
        Lab.sleep(20);
        brief.closeIdle(); // (its own thread may have done it already)
        assertEquals(0, brief.size(), brief.describe().toString());
        assertEquals(1, awaitSessions(d1, 1).size(), "only the first pool's session is left: " + sessions(d1));
      }
    }
    assertEquals(List.of(), awaitSessions(d1, 0));
  }

  @Test
  void aKilledServerFailsOnlyItsHostWithAClearError_andARestartedOneWorksAgain() throws IOException {
    Path known = knownHostsCopy("known_hosts_killed");
    Opened opened = new Opened();
    LabHost d1 = lab.host("docker1");
    try (HostPool pool = new HostPool()) {
      Plan first = planWith(pool, setup(known, opened));
      assertTrue(first.ok(), first.toString());
      SshHost old2 = opened.of("docker2").get(0);

      List<Long> killed = LabSsh.stopHost(lab.name(), "docker1"); // the listener and its sessions
      assertFalse(killed.isEmpty());
      assertEquals(List.of(), SshLabFixture.sshdIn(d1.netns()), "no sshd left in docker1's namespace");

      try (SetupEngine e = new SetupEngine(setup(known, opened)).hosts(pool)) {
        Plan p = e.plan();
        assertFalse(p.ok(), p.toString());
        String problem = p.problems().stream().filter(x -> x.startsWith("docker1: ")).findFirst()
            .orElseThrow(() -> new AssertionError(p.toString()));
        assertTrue(problem.contains("root@[" + d1.managementAddress() + "]:22"), problem);
        assertTrue(problem.toLowerCase().contains("refused") || problem.contains("lost"), problem);
        assertTrue(p.problems().stream().noneMatch(x -> x.startsWith("docker2: ")), p.toString());
        SshException again = assertThrows(SshException.class, () -> e.host("docker1"));
        assertEquals(Reason.UNREACHABLE, again.reason(), again.getMessage());
      }
      assertEquals(1, opened.of("docker2").size(), "docker2 was reused");
      assertEquals(1, old2.connects());
      assertEquals(1, opened.of("docker1").size(), "no docker1 host could be opened");
      assertEquals(1, pool.size(), pool.describe().toString());

      LabSsh.startHost(lab.name(), d1);
      Plan after = planWith(pool, setup(known, opened));
      assertEquals(first.toString(), after.toString());
      assertEquals(2, opened.of("docker1").size(), "docker1 connected afresh");
      assertEquals(1, opened.of("docker2").size());
      assertEquals(1, sessions(d1).size());
      assertEquals(2, pool.size());
      assertNotSame(opened.of("docker1").get(0), opened.of("docker1").get(1));
    }
  }
}
