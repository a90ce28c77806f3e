package dev.sixkit.doctor;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonConfig;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.docker.NetworkAttachment;
import dev.sixkit.docker.PublishedPort;
import dev.sixkit.host.Host;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.netlink.Socket;
import dev.sixkit.plan.EngineNeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads how a host's running containers are exposed over IPv6 ({@link Doctor#exposure()}): a
 * {@code [::]} listener takes IPv4 too only without IPV6_V6ONLY, read from sock_diag
 * ({@link Socket#takesIpv4()}), never guessed from the address.
 *
 * <p>Stateless; thread-safe as far as the host is.
 */
final class ExposureReader {
  private ExposureReader() {}

  /**
   * How the host's running containers are exposed over IPv6: fully exposed endpoints (a global
   * address, no published port) and each published port explained.
   */
  static Exposure read(Host host, DaemonConfig daemonConfig) {
    Docker dk = host.docker();
    DaemonConfig given = daemonConfig != null ? daemonConfig : runningDaemonConfig(dk.endpoint());
    DaemonFacts facts = dk.daemon(given);
    List<Socket> listeners = host.listeningSockets();
    List<Exposure.ContainerExposure> out = new ArrayList<>();
    boolean filters = EngineNeeds.filtersNatBridges(facts);
    Map<String, String> gatewayModes = new HashMap<>();
    for (DockerNetwork n : dk.networks()) {
      gatewayModes.put(n.id(), n.ipv6GatewayMode());
      gatewayModes.put(n.name(), n.ipv6GatewayMode());
    }
    for (Container c : dk.containers()) {
      if (!c.running()) {
        continue;
      }
      List<String> v6 = c.networks().stream().flatMap(n -> n.ipv6().stream()).map(a -> a.toCanonicalString()).toList();
      List<Exposure.PortExposure> ports = new ArrayList<>();
      for (PublishedPort p : c.ports()) {
        if (!"tcp".equals(p.protocol())) {
          continue;
        }
        ports.add(explain(p, facts, listeners));
      }
      // What reaches each address from other hosts depends on the engine's filter and the network's gateway mode.
      List<String> open = new ArrayList<>();
      List<String> routed = new ArrayList<>();
      List<String> filtered = new ArrayList<>();
      for (NetworkAttachment n : c.networks()) {
        if (n.ipv6().isEmpty()) {
          continue;
        }
        String a = n.ipv6().get().toCanonicalString();
        String mode = gatewayModes.getOrDefault(n.networkId(), gatewayModes.getOrDefault(n.network(),
            DockerNetwork.DEFAULT_GATEWAY_MODE));
        if (!filters || mode.equals("nat-unprotected")) {
          open.add(a);
        } else if (mode.equals("routed")) {
          routed.add(a);
        } else {
          filtered.add(a);
        }
      }
      boolean fully = !open.isEmpty() && c.ports().isEmpty();
      List<String> notes = new ArrayList<>();
      if (v6.isEmpty()) {
        notes.add("no global IPv6 address: reachable over IPv6 only through published ports");
      }
      if (!open.isEmpty()) {
        notes.add(fully
            ? "fully exposed endpoint: a global IPv6 address and no published port, so every port it listens on is "
                + "reachable at " + String.join(", ", open) + " wherever its prefix is routed or proxied"
            : "its global IPv6 address " + String.join(", ", open)
                + " is reachable directly on every port it listens on, not only the published ones");
      }
      if (!routed.isEmpty()) {
        notes.add(String.join(", ", routed) + " (routed gateway mode): Docker " + facts.version() + "'s filter lets in"
            + " ICMPv6 and the published ports only" + (c.ports().isEmpty() ? " (none: nothing but ping answers)" : ""));
      }
      if (!filtered.isEmpty()) {
        notes.add(String.join(", ", filtered) + " (NAT gateway mode): Docker " + facts.version() + "'s filter drops"
            + " every packet from other hosts to it; over IPv6 only the published ports answer, on the host's addresses");
      }
      String note = String.join("; ", notes);
      out.add(new Exposure.ContainerExposure(c.name(), v6, fully, ports, note));
    }
    return new Exposure(host.name(), facts.userlandProxy(), facts.ip6tables(), listeners, out);
  }

  /**
   * What an IPv6 listener takes, from IPV6_V6ONLY as sock_diag reports it: "[::]:8080, which takes
   * IPv4 too", or "[::]:8080, IPv6 only (IPV6_V6ONLY); IPv4 is taken by its own listener 0.0.0.0:8080".
   */
  static String listenerText(Socket s, List<Socket> listeners) {
    return s.local() + (s.takesIpv4() ? ", which takes IPv4 too" : ", IPv6 only (IPV6_V6ONLY)" + v4Beside(s, listeners));
  }

  /** Names the socket's own IPv4 listener on the same port, if any (what serves IPv4 then). */
  private static String v4Beside(Socket s, List<Socket> listeners) {
    return listeners.stream().filter(o -> o.family() == 4 && o.localPort() == s.localPort()).findFirst()
        .map(o -> "; IPv4 is taken by its own listener " + o.local()).orElse("");
  }

  private static Exposure.PortExposure explain(PublishedPort p, DaemonFacts facts, List<Socket> listeners) {
    Optional<Socket> any6 = listeners.stream().filter(s -> s.localPort() == p.hostPort() && s.family() == 6
        && s.anyAddress()).findFirst();
    if (any6.isPresent() && any6.get().command().equals("docker-proxy")) {
      Socket s = any6.get();
      String who = "docker-proxy pid " + s.processes().get(0).pid();
      return new Exposure.PortExposure(p, true, who + " on " + s.local(), "served over IPv6 by " + who
          + " listening on :::" + p.hostPort() + " (" + listenerText(s, listeners) + ")");
    }
    if (facts.ip6tables().value()) {
      return new Exposure.PortExposure(p, true, "ip6tables NAT",
          "answered over IPv6 through dockerd's ip6tables NAT rules (ip6tables " + facts.ip6tables() + ")");
    }
    // dockerd itself holds the port when the userland proxy is off: it only reserves it.
    String held = any6.map(s -> "; " + (s.command().isEmpty() ? "a process" : s.command()) + " holds " + s.local()
        + " only to reserve the port: connections are accepted by the kernel and never served").orElse("");
    if (!facts.userlandProxy().value()) {
      return new Exposure.PortExposure(p, false, "", "will not answer over IPv6: the userland proxy is off ("
          + facts.userlandProxy() + ") and there is no ip6tables NAT (ip6tables " + facts.ip6tables()
          + "; engines before 27 need --ip6tables): only IPv4 NAT serves the port" + held);
    }
    return new Exposure.PortExposure(p, false, "", "no docker-proxy listens on :::" + p.hostPort()
        + " although the userland proxy is on: the port was bound to " + p.hostIp().toCanonicalString() + " only" + held);
  }

  /**
   * The settings of the dockerd serving a unix endpoint, from its command line and --config-file
   * (/proc/PID/cmdline); none when no such process is found (remote or not ours to read).
   */
  static DaemonConfig runningDaemonConfig(String endpoint) {
    String sock = endpoint.startsWith("unix://") ? endpoint.substring(7) : endpoint;
    boolean defaultSock = sock.equals("/var/run/docker.sock") || sock.equals("/run/docker.sock");
    for (long pid : Procs.all()) {
      if (!"dockerd".equals(Procs.comm(pid))) {
        continue;
      }
      String cmd = Procs.cmdline(pid);
      boolean match = cmd.contains("unix://" + sock) || (defaultSock && !cmd.contains(" -H ") && !cmd.contains("--host"));
      if (!match) {
        continue;
      }
      List<String> args = List.of(cmd.split(" "));
      DaemonConfig fromArgs = DaemonConfig.fromArgs(args);
      String file = "/etc/docker/daemon.json";
      int i = args.indexOf("--config-file");
      if (i >= 0 && i + 1 < args.size()) {
        file = args.get(i + 1);
      }
      try {
        Path p = Path.of(file);
        if (Files.exists(p)) {
          return fromArgs.orElse(DaemonConfig.fromDaemonJson(Files.readString(p)));
        }
      } catch (IOException | RuntimeException e) {
        return fromArgs;
      }
      return fromArgs;
    }
    return DaemonConfig.none();
  }
}
