package dev.sixkit.cli;

import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.host.SshOptions;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.Subnet;
import dev.sixkit.sync.NdpPersistence;
import dev.sixkit.sync.NdpProxySync;
import inet.ipaddr.ipv6.IPv6Address;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sixkit ndp sync}: the NDP proxy sync as a long-running command. Not shared between threads. */
@Command(name = "ndp", mixinStandardHelpOptions = true, description = "NDP proxying for Docker hosts.",
    subcommands = {NdpCommand.Sync.class})
final class NdpCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "say what: sync");
  }

  /** Where a command runs: a lab host, a namespace, or this machine (and, with {@link Remote}, a host over SSH). */
  static final class Target {
    @Option(names = "--lab", paramLabel = "NAME", description = "A lab's host (with --host): its namespace and dockerd.")
    String lab;

    @Option(names = "--host", paramLabel = "HOST", description = "The lab host, such as docker1 (with --lab).")
    String labHost;

    @Option(names = "--netns", paramLabel = "NAME", description = "A network namespace (ip netns name); default: this one.")
    String netns;

    @Option(names = "--docker", paramLabel = "ENDPOINT",
        description = "The Docker endpoint (unix:///path); default DOCKER_HOST or /var/run/docker.sock.")
    String docker;

    /** Set by commands that also reach hosts over SSH (the doctor); null for those that need netlink. */
    Remote remote;

    Host connect() {
      Remote r = remote;
      if (r != null && r.ssh != null) {
        if (lab != null || netns != null) {
          throw new Main.CliException("--ssh names the host by itself: leave out --lab and --netns");
        }
        return Host.ssh(r.ssh, r.options(docker));
      }
      boolean viaSsh = r != null && r.viaSsh;
      if (lab != null && viaSsh) {
        if (labHost == null) {
          throw new Main.CliException("--lab needs --host (such as --host docker1)");
        }
        return Lab.attach(lab).connectSsh(labHost);
      }
      if (viaSsh) {
        throw new Main.CliException("--via-ssh goes with --lab (for another machine: --ssh USER@HOST)");
      }
      return connectNetlink();
    }

    /** The host through netlink (a lab host's namespace, a namespace, this machine): what the sync needs. */
    NetlinkHost connectNetlink() {
      if (lab != null) {
        if (labHost == null) {
          throw new Main.CliException("--lab needs --host (such as --host docker1)");
        }
        return Lab.attach(lab).connect(labHost);
      }
      String ep = docker != null ? docker : System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
      if (netns != null) {
        return Host.netns(netns, ep, netns);
      }
      if (docker != null) {
        throw new Main.CliException("--docker needs --netns; for this machine's own namespace set DOCKER_HOST instead");
      }
      return Host.connect();
    }

    /** The other hosts of the lab, for the doctor (reached the same way as the host itself). */
    List<Host> peers() {
      List<Host> out = new ArrayList<>();
      boolean viaSsh = remote != null && remote.viaSsh;
      if (lab != null) {
        Lab l = Lab.attach(lab);
        for (LabHost h : l.hosts()) {
          if (!h.name().equals(labHost)) {
            out.add(viaSsh ? l.connectSsh(h.name()) : l.connect(h.name()));
          }
        }
      }
      return out;
    }

    String stateKey() {
      return lab != null ? lab + "-" + labHost : netns != null ? netns : "default";
    }
  }

  /** Hosts reached over SSH, for the commands that can work that way (the doctor). */
  static final class Remote {
    @Option(names = "--ssh", paramLabel = "USER@HOST[:PORT]",
        description = "A remote host over SSH: keys from ~/.ssh (or --identity) and the agent, its key checked against "
            + "~/.ssh/known_hosts (or --known-hosts); its Docker socket (--docker PATH, default /var/run/docker.sock) "
            + "over the same connection.")
    String ssh;

    @Option(names = "--identity", paramLabel = "FILE", description = "The private key for --ssh.")
    Path identity;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "The known_hosts file for --ssh.")
    Path knownHosts;

    @Option(names = "--via-ssh", description = "With --lab: reach the lab's hosts through their OpenSSH servers "
        + "(lab up --ssh) instead of their namespaces.")
    boolean viaSsh;

    SshOptions options(String docker) {
      SshOptions o = SshOptions.defaults();
      if (identity != null) {
        o = o.identity(identity);
      }
      if (knownHosts != null) {
        o = o.knownHosts(knownHosts);
      }
      if (docker != null) {
        o = o.dockerSocket(docker.startsWith("unix://") ? docker.substring("unix://".length()) : docker);
      }
      return o;
    }
  }

  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = {"Keep one NDP proxy entry on the uplink for each container IPv6 address in the managed prefixes.",
          "Runs until stopped (SIGTERM, Ctrl-C); event-driven: Docker events, kernel link and multicast notifications.",
          "Ownership is the kernel's protocol mark (sixkit, 171) on each entry it or an apply adds: it removes only those; entries added by hand are never touched."})
  static final class Sync implements Callable<Integer> {
    static final String INSTALLED_LAUNCHER = "/usr/bin/sixkit";

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Target target = new Target();

    @Option(names = "--uplink", defaultValue = "eth0", description = "The interface the entries go on (default ${DEFAULT-VALUE}).")
    String uplink;

    @Option(names = "--prefix", paramLabel = "PREFIX",
        description = "A managed prefix (repeatable). Default: follow the IPv6 subnets of Docker's networks (created later too) that lie inside a "
            + "prefix on-link on the uplink (the ones that need NDP proxying).")
    List<String> prefixes = new ArrayList<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "The folder holding its lock, one sync per folder (default /var/lib/sixkit/ndp-sync/NAME).")
    Path stateDir;

    @Option(names = "--static", paramLabel = "ADDR", description = "An address to keep proxied besides the containers' (repeatable).")
    List<String> statics = new ArrayList<>();

    @Option(names = "--static-file", paramLabel = "FILE", description = "A file of addresses to keep proxied, one per line.")
    Path staticFile;

    @Option(names = "--audit", paramLabel = "SECONDS", defaultValue = "0",
        description = "Periodic full reconcile every N seconds (default 0: off; see the docs for when it is needed).")
    long auditSeconds;

    @Option(names = "--no-accept-ra", description = "Leave accept_ra alone (default: 1 becomes 2, so RAs are still accepted).")
    boolean noAcceptRa;

    @Option(names = "--once", description = "Reconcile once, print the report and exit.")
    boolean once;

    @Option(names = "--persist-to", paramLabel = "ROOT",
        description = "Also write the sysctl.d drop-in and merge daemon.json under ROOT (/ on a real host).")
    Path persistTo;

    @Option(names = "--print-unit", description = "Print a systemd unit running this sync with these options, and exit.")
    boolean printUnit;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (printUnit) {
        out.print(NdpPersistence.systemdUnit(launcher(), unitArgs()));
        out.flush();
        return Main.OK;
      }
      NetlinkHost host = target.connectNetlink();
      try {
        // Without --prefix the managed prefixes follow Docker's networks (created and destroyed ones too).
        boolean follow = prefixes.isEmpty();
        List<String> managed = follow ? NdpProxySync.proxiedPrefixes(host, uplink) : prefixes;
        List<String> st = new ArrayList<>(statics);
        if (staticFile != null) {
          for (String l : Files.readAllLines(staticFile)) {
            if (!l.isBlank() && !l.trim().startsWith("#")) {
              st.add(l.trim());
            }
          }
        }
        Path dir = stateDir != null ? stateDir : Path.of("/var/lib/sixkit/ndp-sync", target.stateKey());
        CountDownLatch first = new CountDownLatch(1);
        NdpProxySync sync = NdpProxySync.on(host).uplink(uplink).prefixes(managed).followDockerNetworks(follow).stateDir(dir).staticAddresses(st)
            .auditInterval(Duration.ofSeconds(auditSeconds)).acceptRouterAdvertisements(!noAcceptRa)
            .onChange(c -> {
              out.println(c);
              out.flush();
            })
            .onReport(r -> {
              out.println(r);
              if (r.dockerKnown() || (!st.isEmpty() && r.reason().equals("start"))) {
                first.countDown();
              }
              out.flush();
            })
            .start();
        Runtime.getRuntime().addShutdownHook(new Thread(sync::close, "sixkit-ndp-sync-stop"));
        out.println("ndp sync on " + host.name() + " dev " + uplink + ", prefixes " + managed + (follow ? " (following Docker's networks)" : "") + ", state " + dir
            + (st.isEmpty() ? "" : ", " + st.size() + " static addresses"));
        for (Change c : sync.enabled()) {
          out.println(c);
        }
        if (persistTo != null) {
          NdpPersistence p = NdpPersistence.forUplink(uplink).acceptRouterAdvertisements(!noAcceptRa);
          String cidr = fixedCidr(host);
          if (cidr != null) {
            p = p.fixedCidrV6(cidr);
          }
          for (Change c : p.write(persistTo, host.name())) {
            out.println(c);
          }
        }
        out.flush();
        if (once) {
          boolean ok = sync.awaitReconciled(Duration.ofSeconds(60)) && sync.awaitIdle(Duration.ofSeconds(60));
          sync.close();
          return ok ? Main.OK : Main.FAILURE;
        }
        first.await();
        out.println("ready: watching Docker and the kernel");
        out.flush();
        new CountDownLatch(1).await(); // until the JVM is asked to stop
        return Main.OK;
      } finally {
        if (once) {
          host.close();
        }
      }
    }

    private static String fixedCidr(NetlinkHost host) {
      try {
        return NdpProxySync.fixedCidrV6(host).orElse(null);
      } catch (RuntimeException e) {
        return null;
      }
    }

    private List<String> unitArgs() {
      List<String> a = new ArrayList<>();
      if (target.lab != null) {
        a.addAll(List.of("--lab", target.lab));
      }
      if (target.labHost != null) {
        a.addAll(List.of("--host", target.labHost));
      }
      if (target.netns != null) {
        a.addAll(List.of("--netns", target.netns));
      }
      if (target.docker != null) {
        a.addAll(List.of("--docker", target.docker));
      }
      a.addAll(List.of("--uplink", uplink));
      for (String p : prefixes) {
        a.addAll(List.of("--prefix", p));
      }
      if (stateDir != null) {
        a.addAll(List.of("--state-dir", stateDir.toString()));
      }
      if (auditSeconds > 0) {
        a.addAll(List.of("--audit", Long.toString(auditSeconds)));
      }
      return a;
    }

    /**
     * The installed launcher (the package's /usr/bin/sixkit), never a checkout's: a unit must not
     * depend on a build folder. {@code -Dsixkit.launcher=PATH} names another installed one.
     */
    static String launcher() {
      return System.getProperty("sixkit.launcher", INSTALLED_LAUNCHER);
    }
  }

  static Map<String, Object> changeJson(Change c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", c.host());
    m.put("kind", c.kind().name().toLowerCase());
    m.put("object", c.object());
    m.put("before", c.before());
    m.put("after", c.after());
    return m;
  }
}
