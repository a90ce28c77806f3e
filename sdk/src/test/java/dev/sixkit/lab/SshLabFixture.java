package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.host.SshOptions;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.sixkit.internal.os.Procs;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared fixture of {@link SshSecurityIT} and {@link SshConnectionLossIT}: a one-host lab with
 * a real OpenSSH server, brought up once per class, a fresh veth pair tv0/tv1 in the host for each
 * test, and the server restarted when a test left it dead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SshLabFixture {
  Lab lab;
  LabHost host;
  String ns;
  @TempDir
  Path tmp;

  /** Every sshd process in the namespace (listener and sessions). */
  static List<Long> sshdIn(String netns) {
    Optional<Object> key = Procs.fileKey(Path.of("/run/netns", netns));
    List<Long> out = new ArrayList<>();
    for (long p : Procs.all()) {
      if (Procs.comm(p).equals("sshd") && key.isPresent() && key.equals(Procs.netnsKey(p))) {
        out.add(p);
      }
    }
    return out;
  }

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

  SshOptions options() {
    return LabSsh.options(lab.name(), host);
  }

  String target() {
    return LabSsh.target(host);
  }

  String sshdLog() throws IOException {
    return Files.readString(LabSsh.logFile(lab.name(), "docker1"));
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** The server key's fingerprint as ssh-keygen prints it. */
  String serverFingerprint() {
    String out = Ip.exec(List.of("ssh-keygen", "-lf", LabSsh.hostKey(lab.name(), "docker1") + ".pub")).out();
    return out.split("\\s+")[1];
  }

  Path keygen(String type, String passphrase, String name) {
    Path key = tmp.resolve(name);
    Ip.Result r = Ip.exec(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", key.toString()));
    assertEquals(0, r.exit(), r.err());
    return key;
  }

  void authorize(Path key) throws IOException {
    Files.writeString(LabSsh.authorizedKeys(lab.name(), "docker1"), Files.readString(Path.of(key + ".pub")),
        java.nio.file.StandardOpenOption.APPEND);
  }
}
