package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.internal.os.Mounts;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.netlink.testing.TestNetns;
import inet.ipaddr.ipv6.IPv6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixture of {@link DockerLabIT}, per engine: two namespaces h1 and h2 joined by a veth eth0
 * (2001:db8:ab11::1/64 and ::2/64), a dockerd in each (docker1 with --fixed-cidr-v6
 * 2001:db8:ab11:0:8000::/66, docker2 with 2001:db8:ab11:0:c000::/66 and no userland proxy) running
 * web1 and web2; removed after the engine's tests, then checked that nothing is left.
 */
abstract class DockerLabFixture {
  /** Named after the test class, as its log lines always were. */
  static final Logger LOG = LoggerFactory.getLogger(DockerLabIT.class);
  static final String PREFIX1 = "2001:db8:ab11:0:8000::/66";
  static final String PREFIX2 = "2001:db8:ab11:0:c000::/66";

  final String lab = "sxt-lab-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
  final TestNetns nets = new TestNetns();
  @Parameter
  Engine engine;
  Engine.Install install;
  String h1;
  String h2;
  DockerDaemon d1;
  DockerDaemon d2;
  Docker docker1;
  Docker docker2;
  IPv6Address web1;
  IPv6Address web2;

  /** A daemon of the engine under test for a lab host in a namespace. */
  DockerDaemon.Options daemon(String host, String netns) {
    return DockerDaemon.lab(lab).host(host).netns(netns).engine(install);
  }

  @BeforeParameterizedClassInvocation
  void startTwoDockerHosts() {
    Root.require();
    requireTools();
    install = engine.install(LabProgress.silent());
    long t0 = System.nanoTime();
    h1 = nets.create("h1").name();
    h2 = nets.create("h2").name();
    Ip.run(h1, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", h2);
    Ip.run(h1, "addr", "add", "2001:db8:ab11::1/64", "dev", "eth0", "nodad");
    Ip.run(h2, "addr", "add", "2001:db8:ab11::2/64", "dev", "eth0", "nodad");
    Ip.run(h1, "link", "set", "eth0", "up");
    Ip.run(h2, "link", "set", "eth0", "up");

    d1 = daemon("docker1", h1).fixedCidrV6(PREFIX1).start();
    d2 = daemon("docker2", h2).fixedCidrV6(PREFIX2).userlandProxy(false).start();
    long started = System.nanoTime();
    docker1 = d1.docker();
    docker2 = d2.docker();
    WebImage image = WebImage.standard();
    image.importInto(docker1);
    image.importInto(docker2);
    web1 = docker1.newContainer("web1").image(WebImage.REFERENCE).command(WebImage.command("Web Server #1").toArray(String[]::new))
        .stopTimeout(Duration.ofSeconds(1)).start().ipv6().orElseThrow();
    web2 = docker2.newContainer("web2").image(WebImage.REFERENCE).command(WebImage.command("Web Server #2").toArray(String[]::new))
        .stopTimeout(Duration.ofSeconds(1)).start().ipv6().orElseThrow();
    LOG.info("lab {} up in {} ms (daemons {} ms): web1 {} web2 {}", lab, (System.nanoTime() - t0) / 1_000_000,
        (started - t0) / 1_000_000, web1.toCanonicalString(), web2.toCanonicalString());
  }

  static void requireTools() {
    for (String tool : List.of("dockerd", "containerd", "runc", "nsenter", "setsid")) {
      boolean found = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin").stream()
          .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
      if (!found) {
        fail(tool + " is missing: apt-get install -y docker.io busybox-static");
      }
    }
    if (!Files.isRegularFile(WebImage.BUSYBOX)) {
      fail(WebImage.BUSYBOX + " is missing: apt-get install -y busybox-static");
    }
  }

  @AfterParameterizedClassInvocation
  void removeEverything() {
    List<String> problems = new ArrayList<>();
    long t0 = System.nanoTime();
    for (DockerDaemon d : new DockerDaemon[] {d1, d2}) {
      if (d == null) {
        continue;
      }
      try {
        // Kill the containers first: dockerd's own shutdown would wait their stop timeout.
        for (Container c : d.docker().containers()) {
          d.docker().remove(c.id());
        }
      } catch (RuntimeException e) {
        problems.add("remove containers of " + d + ": " + e);
      }
      try {
        d.close();
      } catch (RuntimeException e) {
        problems.add("close " + d + ": " + e);
      }
    }
    try {
      DockerDaemon.cleanupLab(lab); // whatever close() could not reach (a start that failed midway)
    } catch (RuntimeException e) {
      problems.add("cleanup lab " + lab + ": " + e);
    }
    nets.close();
    LOG.info("lab {} removed in {} ms", lab, (System.nanoTime() - t0) / 1_000_000);
    problems.addAll(leftovers(lab));
    if (!problems.isEmpty()) {
      fail("the lab was not removed cleanly:\n" + String.join("\n", problems));
    }
  }

  /** Everything of the lab that would still be on the machine: processes, mounts, folders, namespaces. */
  static List<String> leftovers(String lab) {
    List<String> out = new ArrayList<>();
    String run = HostDirs.RUN_ROOT.resolve(lab).toString();
    String var = HostDirs.VAR_ROOT.resolve(lab).toString();
    for (long pid : Procs.all()) {
      String cmd = Procs.cmdline(pid);
      if (cmd.contains(run + "/") || cmd.contains(var + "/")) {
        out.add("process " + pid + ": " + cmd);
      }
    }
    for (Path mp : Mounts.under(List.of(HostDirs.RUN_ROOT.resolve(lab), HostDirs.VAR_ROOT.resolve(lab)))) {
      out.add("mount " + mp);
    }
    if (Files.exists(HostDirs.RUN_ROOT.resolve(lab))) {
      out.add("folder " + run);
    }
    if (Files.exists(HostDirs.VAR_ROOT.resolve(lab))) {
      out.add("folder " + var);
    }
    for (Path h : List.of(Path.of("/sys/fs/cgroup/pids"), Path.of("/sys/fs/cgroup/memory"), Path.of("/sys/fs/cgroup/unified"))) {
      try (var s = Files.list(h)) {
        s.filter(p -> p.getFileName().toString().startsWith("sixkit-" + lab + "-")).forEach(p -> out.add("cgroup " + p));
      } catch (java.io.IOException ignored) {
        // hierarchy not mounted here
      }
    }
    return out;
  }
}
