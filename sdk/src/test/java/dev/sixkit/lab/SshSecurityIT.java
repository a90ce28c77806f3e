package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.InFlight;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.host.SshHost;
import dev.sixkit.host.SshOptions;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.host.SshProxyNdp;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.ApplyException;
import dev.sixkit.plan.Mode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host.ssh against a real OpenSSH server in a lab host: host keys (changed and unknown keys
 * refused with the host and fingerprint named, trust on first use only when asked for, hashed
 * known_hosts), key authentication (ed25519 and RSA files, an encrypted key, a real ssh-agent, a
 * key the server does not know), input carrying shell metacharacters refused before anything is
 * sent, timeouts, and connections killed under a write: the error says exactly what was applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshSecurityIT {
  private Lab lab;
  private LabHost host;
  private String ns;
  @TempDir
  Path tmp;

  @BeforeAll
  void up() {
    Root.require();
    String name = "sxss" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(1).mode(Mode.NDP_PROXY).ssh(true)
        .progress(m -> System.out.println("lab: " + m)).up();
    host = lab.host("docker1");
    ns = host.netns();
  }

  @AfterAll
  void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
      assertTrue(Lab.namespaces(lab.name()).isEmpty(), "the lab's namespaces must be gone");
      assertTrue(LabSsh.runningSshd(lab.name(), "docker1").isEmpty());
    }
  }

  @BeforeEach
  void links() {
    Ip.run(ns, "link", "add", "tv0", "type", "veth", "peer", "name", "tv1");
    Ip.run(ns, "link", "set", "tv0", "up");
    Ip.run(ns, "link", "set", "tv1", "up");
  }

  @AfterEach
  void restore() {
    Ip.tryRun(ns, "link", "del", "tv0");
    if (LabSsh.runningSshd(lab.name(), "docker1").isEmpty()) {
      LabSsh.stopHost(lab.name(), "docker1"); // sessions a test left behind
      LabSsh.startHost(lab.name(), host);
    }
  }

  private SshOptions options() {
    return LabSsh.options(lab.name(), host);
  }

  private String target() {
    return LabSsh.target(host);
  }

  private String sshdLog() throws IOException {
    return Files.readString(LabSsh.logFile(lab.name(), "docker1"));
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** The server key's fingerprint as ssh-keygen prints it. */
  private String serverFingerprint() {
    String out = Ip.exec(List.of("ssh-keygen", "-lf", LabSsh.hostKey(lab.name(), "docker1") + ".pub")).out();
    return out.split("\\s+")[1];
  }

  private Path keygen(String type, String passphrase, String name) {
    Path key = tmp.resolve(name);
    Ip.Result r = Ip.exec(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", key.toString()));
    assertEquals(0, r.exit(), r.err());
    return key;
  }

  private void authorize(Path key) throws IOException {
    Files.writeString(LabSsh.authorizedKeys(lab.name(), "docker1"), Files.readString(Path.of(key + ".pub")),
        java.nio.file.StandardOpenOption.APPEND);
  }

  // ---------------------------------------------------------------- host keys

  @Test
  void aChangedHostKeyIsRefusedNamingHostAndFingerprint() throws IOException {
    Path other = keygen("ed25519", "", "other_host_key");
    String otherPub = Files.readString(Path.of(other + ".pub")).strip();
    Path known = tmp.resolve("known_hosts_changed");
    Files.writeString(known, host.managementAddress() + " " + otherPub + "\n");
    int accepted = count(sshdLog(), "Accepted publickey");

    for (SshOptions o : List.of(options().knownHosts(known), options().knownHosts(known).trustOnFirstUse())) {
      SshException e = assertThrows(SshException.class, () -> Host.ssh(target(), o));
      assertEquals(Reason.CHANGED_HOST_KEY, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains(host.managementAddress()), e.getMessage());
      assertTrue(e.getMessage().contains(serverFingerprint()), e.getMessage());
      assertTrue(e.getMessage().contains("CHANGED"), e.getMessage());
      assertEquals(serverFingerprint(), e.fingerprint().orElseThrow());
    }
    // trust on first use never overrides a changed key: the file is as it was
    assertEquals(host.managementAddress() + " " + otherPub + "\n", Files.readString(known));
    // refused before authentication: the server never saw our key
    assertEquals(accepted, count(sshdLog(), "Accepted publickey"));
  }

  @Test
  void anUnknownHostIsRefusedUnlessTrustOnFirstUseIsAskedFor() throws IOException {
    Path known = tmp.resolve("known_hosts_empty");
    Files.writeString(known, "# nothing yet\n");
    SshException e = assertThrows(SshException.class, () -> Host.ssh(target(), options().knownHosts(known)));
    assertEquals(Reason.UNKNOWN_HOST_KEY, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(host.managementAddress()) && e.getMessage().contains(serverFingerprint()),
        e.getMessage());
    assertTrue(e.getMessage().contains("trustOnFirstUse"), e.getMessage());
    Path missing = tmp.resolve("no_such_known_hosts");
    assertEquals(Reason.UNKNOWN_HOST_KEY,
        assertThrows(SshException.class, () -> Host.ssh(target(), options().knownHosts(missing))).reason());

    try (SshHost h = Host.ssh(target(), options().knownHosts(known).trustOnFirstUse())) {
      assertEquals(serverFingerprint(), h.hostKeyFingerprint());
    }
    String written = Files.readString(known);
    assertTrue(written.contains(host.managementAddress() + " ssh-ed25519 "), written);
    // now known: a connection without trust on first use succeeds
    try (SshHost h = Host.ssh(target(), options().knownHosts(known))) {
      assertFalse(h.interfaces().isEmpty());
    }
  }

  @Test
  void hashedKnownHostsEntriesAreRecognised() throws IOException {
    Path known = tmp.resolve("known_hosts_hashed");
    Files.copy(LabSsh.knownHosts(lab.name()), known);
    Ip.Result r = Ip.exec(List.of("ssh-keygen", "-H", "-f", known.toString()));
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.readString(known).startsWith("|1|"), Files.readString(known));
    try (SshHost h = Host.ssh(target(), options().knownHosts(known))) {
      assertEquals("docker1", h.name());
    }
  }

  // ---------------------------------------------------------------- authentication

  @Test
  void rsaAndEncryptedKeyFilesAuthenticate() throws IOException {
    Path rsa = keygen("rsa", "", "id_rsa");
    Path enc = keygen("ed25519", "s3cret-passphrase", "id_enc");
    authorize(rsa);
    authorize(enc);
    String rsaFp = Ip.exec(List.of("ssh-keygen", "-lf", rsa + ".pub")).out().split("\\s+")[1];
    SshOptions base = SshOptions.defaults().noAgent().knownHosts(LabSsh.knownHosts(lab.name())).name("docker1")
        .noDocker();
    try (SshHost h = Host.ssh(target(), base.identity(rsa))) {
      assertFalse(h.interfaces().isEmpty());
    }
    assertTrue(sshdLog().contains("Accepted publickey for root") && sshdLog().contains("RSA " + rsaFp), sshdLog());
    try (SshHost h = Host.ssh(target(), base.identity(enc, "s3cret-passphrase"))) {
      assertFalse(h.interfaces().isEmpty());
    }
    SshException noPass = assertThrows(SshException.class, () -> Host.ssh(target(), base.identity(enc)));
    assertEquals(Reason.CONFIG, noPass.reason(), noPass.getMessage());
    assertTrue(noPass.getMessage().contains(enc.toString()), noPass.getMessage());
  }

  @Test
  void aRealSshAgentAuthenticates() throws Exception {
    Path key = keygen("rsa", "", "agent_rsa");
    authorize(key);
    String fp = Ip.exec(List.of("ssh-keygen", "-lf", key + ".pub")).out().split("\\s+")[1];
    Path sock = tmp.resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("agent.log").toFile()).start();
    try {
      for (int i = 0; i < 100 && !Files.exists(sock); i++) {
        Thread.sleep(20);
      }
      ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
      add.environment().put("SSH_AUTH_SOCK", sock.toString());
      Process p = add.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);
      int before = count(sshdLog(), "RSA " + fp);
      // no key file at all: only the agent can authenticate
      SshOptions o = SshOptions.defaults().agent(sock).knownHosts(LabSsh.knownHosts(lab.name())).name("docker1");
      assertTrue(o.identities().isEmpty(), "root has no ~/.ssh keys here: " + o.identities());
      try (SshHost h = Host.ssh(target(), o)) {
        assertFalse(h.interfaces().isEmpty());
      }
      assertTrue(count(sshdLog(), "RSA " + fp) > before, "the server accepted the agent's key " + fp);
    } finally {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aKeyTheServerDoesNotKnowIsRefused() {
    Path stranger = keygen("ed25519", "", "id_stranger");
    SshOptions o = SshOptions.defaults().noAgent().identity(stranger).knownHosts(LabSsh.knownHosts(lab.name()));
    SshException e = assertThrows(SshException.class, () -> Host.ssh(target(), o));
    assertEquals(Reason.AUTH_FAILED, e.reason(), e.getMessage());
    String fp = Ip.exec(List.of("ssh-keygen", "-lf", stranger + ".pub")).out().split("\\s+")[1];
    assertTrue(e.getMessage().contains(fp) && e.getMessage().contains("authorized_keys"), e.getMessage());
  }

  // ---------------------------------------------------------------- input

  @Test
  void shellMetacharactersAreRejectedBeforeAnythingIsSent() throws IOException {
    Path canary = Path.of("/tmp/sixkit-ssh-canary-" + lab.name());
    Files.deleteIfExists(canary);
    int connections = count(sshdLog(), "Connection from");
    for (String bad : List.of("root@" + host.managementAddress() + ";touch " + canary, "root@$(touch " + canary + ")",
        "root@docker1`id`", "root@docker1 -oProxyCommand=x", "-oProxyCommand=x", "root@docker1|id", "root@a'b",
        "root@docker1\nid", "root@-docker1", "root@docker1:22;id", "root@[fd00::1]x", "root@docker1:99999")) {
      SshException e = assertThrows(SshException.class, () -> Host.ssh(bad, options()), bad);
      assertEquals(Reason.INVALID_TARGET, e.reason(), bad + ": " + e.getMessage());
      assertNull(e.target(), "nothing was connected to for " + bad);
      assertFalse(e.getMessage().contains("\n"), "control characters are shown escaped: " + e.getMessage());
    }
    assertEquals(connections, count(sshdLog(), "Connection from"), "no connection was made for a bad target");

    try (SshHost h = Host.ssh(target(), options())) {
      long sent = h.commandsSent();
      List<Executable> attempts = List.of(
          () -> h.enableProxyNdp("tv0;touch"),
          () -> h.proxyNdp("$(touch)"),
          () -> h.proxyNdp("tv0`id`"),
          () -> h.proxyNdp("tv0|id"),
          () -> h.proxyNdp("-tv0"),
          () -> h.neighbours().dev("tv0&&id"),
          () -> h.route("2001:db8:ef11::/64").dev("tv0>x"),
          () -> h.route("2001:db8:ef11::/64").via("2001:db8::1").dev("a'b"),
          () -> h.sysctl("net.ipv6.conf.tv0;id.proxy_ndp"),
          () -> h.sysctl("net.ipv6.conf.$(id).proxy_ndp", "1"),
          () -> h.sysctl("net.ipv6.conf.tv0.proxy_ndp", "1; touch " + canary),
          () -> h.sysctl("net.ipv6.conf.tv0.proxy_ndp", "$(touch " + canary + ")"),
          () -> h.sysctl("net.ipv6.conf.tv0.proxy_ndp", "1\ntouch " + canary),
          () -> h.sysctl("net/../../../etc/passwd"),
          () -> h.routeTo("2001:db8::1;id"),
          () -> h.route("2001:db8::/64 table 5"),
          () -> h.route("2001:db8:ef11::/64").via("2001:db8::1 dev tv0"));
      for (Executable a : attempts) {
        RuntimeException e = assertThrows(RuntimeException.class, a);
        assertTrue(e instanceof SshException s && s.reason() == Reason.INVALID_INPUT || e instanceof NetlinkException ne
            && ne.errno() == 22, e.toString());
      }
      assertEquals(sent, h.commandsSent(), "nothing was sent for input that was refused");
      // The same host still works, and the legitimate names go through.
      assertEquals(Change.Kind.CHANGED, h.sysctl("net.ipv6.conf.tv0.proxy_ndp", "1").kind());
    }
    assertFalse(Files.exists(canary), "no injected command ran");
  }

  private static void assertNull(Object o, String message) {
    assertTrue(o == null, message + ": " + o);
  }

  // ---------------------------------------------------------------- timeouts and lost connections

  @Test
  void timeoutsAndUnreachableHostsGiveClearErrors() throws IOException {
    Path known = tmp.resolve("known_hosts_local");
    Files.writeString(known, "");
    // Something that accepts TCP connections but never speaks SSH.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread t = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (IOException e) {
          // closed
        }
      });
      t.setDaemon(true);
      t.start();
      long t0 = System.nanoTime();
      SshException e = assertThrows(SshException.class, () -> Host.ssh("root@127.0.0.1:" + silent.getLocalPort(),
          options().knownHosts(known).connectTimeout(Duration.ofSeconds(1))));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(Reason.TIMEOUT, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("127.0.0.1:" + silent.getLocalPort()) && e.getMessage().contains("1000 ms"),
          e.getMessage());
      assertTrue(ms < 5000, "gave up after " + ms + " ms");
      port = silent.getLocalPort();
    }
    // Nothing listens there any more.
    SshException refused = assertThrows(SshException.class, () -> Host.ssh("root@127.0.0.1:" + port,
        options().knownHosts(known)));
    assertEquals(Reason.UNREACHABLE, refused.reason(), refused.getMessage());
    assertTrue(refused.getMessage().toLowerCase().contains("refused"), refused.getMessage());
  }

  private int port;

  @Test
  void aStalledServerTimesOutAndTheNextOperationUsesANewConnection() throws Exception {
    try (SshHost h = Host.ssh(target(), options().commandTimeout(Duration.ofSeconds(2)))) {
      Host.ProxyNdp p = h.enableProxyNdp("tv0");
      List<Long> session = sessionTree();
      assertFalse(session.isEmpty());
      signal(session, "STOP");
      try {
        long t0 = System.nanoTime();
        SshException e = assertThrows(SshException.class, () -> p.proxy("2001:db8:ab12::99"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Reason.TIMEOUT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("2000 ms") && e.getMessage().contains(host.managementAddress()),
            e.getMessage());
        assertTrue(ms < 6000, "gave up after " + ms + " ms");
      } finally {
        signal(session, "KILL"); // never let the stalled session run anything late
      }
      assertEquals(0, Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size());
      // the stalled connection was dropped: the host goes on over a new one
      assertEquals(Change.Kind.ADDED, p.proxy("2001:db8:ab12::99").kind());
      assertEquals(2, h.connects());
      assertEquals(1, Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size());
    }
  }

  /** The per-connection sshd processes (the listener's children) and everything under them. */
  private List<Long> sessionTree() {
    long listener = LabSsh.runningSshd(lab.name(), "docker1").orElseThrow();
    List<Long> out = new ArrayList<>();
    ProcessHandle.of(listener).orElseThrow().children().forEach(c -> out.addAll(Procs.withDescendants(c.pid())));
    return out;
  }

  private static void signal(List<Long> pids, String sig) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
    pids.forEach(p -> cmd.add(Long.toString(p)));
    Process p = new ProcessBuilder(cmd).start();
    p.waitFor();
  }

  @Test
  void aConnectionKilledMidApplyIsReportedWithExactlyTheAppliedPart() throws Exception {
    List<String> addresses = new ArrayList<>();
    // enough chunks that the killer, polling /proc, sees the second one: with one shell per host a chunk
    // costs only the kernel's work, not a login shell's start
    for (int i = 1; i <= 12000; i++) {
      addresses.add(String.format("2001:db8:ab12:1::%x", i));
    }
    try (SshHost h = Host.ssh(target(), options())) {
      SshProxyNdp p = h.enableProxyNdp("tv0");
      AtomicBoolean killed = new AtomicBoolean();
      Thread killer = killDuringChunk(killed, 1, sessionRoots());
      ApplyException e = assertThrows(ApplyException.class, () -> p.proxyAll(addresses));
      killer.join(10_000);
      assertTrue(killed.get(), "the sessions were killed during the apply");
      assertInstanceOf(SshException.class, e.getCause());
      assertEquals(Reason.CONNECTION_LOST, ((SshException) e.getCause()).reason(), e.getMessage());
      int inKernel = Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size();
      assertTrue(inKernel > 0 && inKernel < addresses.size(), "killed mid-apply: " + inKernel);
      assertEquals(inKernel, e.applied().size(), e.getMessage());
      assertEquals(addresses.size() - inKernel, e.notApplied().size(), e.getMessage());
      assertTrue(e.unknown().isEmpty(), e.getMessage());
      assertTrue(e.applied().stream().allMatch(c -> c.kind() == Change.Kind.ADDED && c.host().equals("docker1")));
      assertTrue(e.getMessage().contains(inKernel + " applied"), e.getMessage());
      // exactly those: every applied entry is in the kernel, in order from the first
      for (int i = 0; i < inKernel; i++) {
        assertEquals("proxy " + addresses.get(i) + " dev tv0", e.applied().get(i).object());
      }
      // the host reconnected and finishes the job idempotently
      List<Change> rest = p.proxyAll(addresses);
      assertEquals(inKernel, rest.stream().filter(c -> c.kind() == Change.Kind.UNCHANGED).count());
      assertEquals(addresses.size(), Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size());
    }
  }

  @Test
  void aServerKilledMidApplySaysWhatCouldNotBeChecked() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i <= 6000; i++) {
      addresses.add(String.format("2001:db8:ab12:2::%x", i));
    }
    try (SshHost h = Host.ssh(target(), options())) {
      SshProxyNdp p = h.enableProxyNdp("tv0");
      // The server goes first (its sessions live on), then the session under a chunk: the
      // connection is lost and cannot be made again to check.
      List<Long> roots = sessionRoots();
      Procs.kill(LabSsh.runningSshd(lab.name(), "docker1").orElseThrow());
      AtomicBoolean killed = new AtomicBoolean();
      Thread killer = killDuringChunk(killed, 1, roots);
      ApplyException e = assertThrows(ApplyException.class, () -> p.proxyAll(addresses));
      killer.join(10_000);
      assertTrue(killed.get());
      int inKernel = Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size();
      // what was confirmed is in the kernel; the chunk under way could not be checked
      assertFalse(e.unknown().isEmpty(), e.getMessage());
      assertTrue(e.applied().size() <= inKernel && inKernel <= e.applied().size() + e.unknown().size(),
          inKernel + " in the kernel: " + e.getMessage());
      assertEquals(addresses.size(), e.applied().size() + e.notApplied().size() + e.unknown().size());
      assertTrue(e.getMessage().contains("not known"), e.getMessage());
      // the next operation says plainly that the host cannot be reached
      SshException down = assertThrows(SshException.class, h::interfaces);
      assertEquals(Reason.UNREACHABLE, down.reason(), down.getMessage());
      assertTrue(down.getMessage().contains(host.managementAddress()), down.getMessage());
    }
  }

  /**
   * Kills the SSH sessions under {@code roots} while an {@code ip -batch} of the apply runs,
   * once at least {@code chunksDone} chunks have finished: the connection goes away under a
   * chunk, never between two.
   */
  private Thread killDuringChunk(AtomicBoolean killed, int chunksDone, List<Long> roots) {
    Thread t = new Thread(() -> {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      java.util.Set<Long> seen = new java.util.HashSet<>();
      while (System.nanoTime() < deadline) {
        List<Long> tree = new ArrayList<>();
        roots.forEach(r -> tree.addAll(Procs.withDescendants(r)));
        for (long pid : tree) {
          if (Procs.comm(pid).equals("ip") && Procs.cmdline(pid).contains("-batch") && seen.add(pid)
              && seen.size() > chunksDone) {
            tree.forEach(Procs::kill);
            killed.set(true);
            return;
          }
        }
      }
    }, "killer");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The per-connection sshd processes: the listener's children. */
  private List<Long> sessionRoots() {
    long listener = LabSsh.runningSshd(lab.name(), "docker1").orElseThrow();
    return ProcessHandle.of(listener).orElseThrow().children().map(ProcessHandle::pid).toList();
  }

  // ---------------------------------------------------------------- Docker

  @Test
  void dockerOverSshNamesTheRemoteSocketWhenItIsMissing() {
    try (SshHost h = Host.ssh(target(), options().dockerSocket("/run/sixkit-no-such-docker.sock"))) {
      SixkitException e = assertThrows(SixkitException.class, h::docker);
      assertTrue(e.getMessage().contains("/run/sixkit-no-such-docker.sock") && e.getMessage().contains("docker1"),
          e.getMessage());
    }
    try (SshHost h = Host.ssh(target(), options().noDocker())) {
      assertTrue(assertThrows(SixkitException.class, h::docker).getMessage().contains("noDocker"));
    }
    try (SshHost h = Host.ssh(target(), options())) {
      assertNotNull(h.docker().container("web1"));
      assertTrue(h.docker().endpoint().startsWith("unix:///tmp/sixkit-ssh-"), h.docker().endpoint());
      Path local = Path.of(h.docker().endpoint().substring("unix://".length()));
      h.close();
      assertFalse(Files.exists(local.getParent()), "the local forward is removed with the host");
    }
  }
}
