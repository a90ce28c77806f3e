package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.host.SshHost;
import dev.sixkit.host.SshOptions;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.testing.Ip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * Host.ssh against a real OpenSSH server in a lab host: host keys (changed and unknown keys
 * refused with the host and fingerprint named, trust on first use only when asked for, hashed
 * known_hosts), key authentication (ed25519 and RSA files, an encrypted key, a real ssh-agent, a
 * key the server does not know), input carrying shell metacharacters refused before anything is
 * sent, and Docker over SSH. Timeouts and killed connections are in {@link SshConnectionLossIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshSecurityIT extends SshLabFixture {
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
