package dev.sixkit.host;

import dev.sixkit.docker.Docker;
import dev.sixkit.doctor.Doctor;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.NudState;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.Socket;
import dev.sixkit.netlink.NetlinkException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Docker host: its kernel's network state (interfaces, addresses, routes, neighbours, proxy
 * entries, sysctls) and its Docker engine. This machine, a host living in a network namespace,
 * and a remote host over SSH ({@link #ssh(String, SshOptions)}) all answer the same interface.
 *
 * <pre>{@code
 * try (Host h = Host.netns("docker1")) {
 *   h.enableProxyNdp("eth0").proxy("2001:db8:ab11:0:8000:242:ac11:2");
 *   h.route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add();
 *   h.neighbours().dev("eth0").failed().list();
 * }
 * }</pre>
 *
 * <p>Every write is idempotent and returns the {@link Change} it made (UNCHANGED when the state
 * was already as asked). Implementations are thread-safe; close the host to release its netlink
 * socket, namespace thread and Docker connection.
 */
public interface Host extends AutoCloseable {
  /** This machine: its own network namespace, Docker at DOCKER_HOST or /var/run/docker.sock. */
  static NetlinkHost connect() {
    return KernelHost.local();
  }

  /** A host living in the named network namespace, with no Docker endpoint. */
  static NetlinkHost netns(String name) {
    return KernelHost.of(Netns.open(name), name, null);
  }

  /** A host living in the named network namespace, with its own Docker endpoint (unix:///path or a socket path). */
  static NetlinkHost netns(String name, String dockerEndpoint) {
    return KernelHost.of(Netns.open(name), name, dockerEndpoint);
  }

  /**
   * A host living in a network namespace, called {@code hostName} in messages and changes (a lab
   * names its namespace LAB-docker1 and its host docker1).
   */
  static NetlinkHost netns(String netnsName, String dockerEndpoint, String hostName) {
    return KernelHost.of(Netns.open(netnsName), hostName, dockerEndpoint);
  }

  /**
   * A remote host over SSH, with the defaults of {@link SshOptions#defaults()}: {@code
   * "root@docker2"}, {@code "root@docker2:2222"}, {@code "root@[2001:db8::2]:22"}. Connects now;
   * the server's key must be in ~/.ssh/known_hosts.
   */
  static SshHost ssh(String target) {
    return SshHost.connect(target, SshOptions.defaults());
  }

  /** A remote host over SSH with the given keys, known_hosts, timeouts and Docker socket. */
  static SshHost ssh(String target, SshOptions options) {
    return SshHost.connect(target, options);
  }

  /** The host's name (the namespace name, or "localhost"). */
  String name();

  /**
   * The network namespace file of a host on this machine ({@code /run/netns/NAME}, or
   * {@code /proc/self/ns/net} for this machine's own), so tools such as {@code ip6tables-save}
   * can run in it with {@code nsenter --net=PATH}; empty for a remote host.
   */
  default java.util.Optional<java.nio.file.Path> netnsPath() {
    return java.util.Optional.empty();
  }

  // ---- reads ----

  /** Network interfaces. */
  List<Link> interfaces();

  /** Interface addresses, both families. */
  List<Address> addresses();

  /** Routes of the main table, both families. */
  List<Route> routes();

  /** The route the kernel would use for one destination (as {@code ip route get}). */
  Route routeTo(String destination);

  /** {@link #routeTo(String)} for an address value. */
  default Route routeTo(inet.ipaddr.IPAddress destination) {
    return routeTo(destination.withoutPrefixLength().toCanonicalString());
  }

  /** IPv6 neighbour entries, filtered step by step. */
  NeighbourQuery neighbours();

  /** Proxy neighbour entries on every device. */
  List<Neighbour> proxyEntries();

  /**
   * The host's TCP listening sockets with the processes holding them, like {@code ss -ltnp}
   * (docker-proxy on {@code [::]:PORT} shows here): through sock_diag on a namespace host, from
   * {@code ss} over SSH. Sorted by port, family, address.
   */
  List<Socket> listeningSockets();

  /** A sysctl of the host's network namespace, such as net.ipv6.conf.eth0.proxy_ndp. */
  String sysctl(String key);

  /**
   * Interfaces, addresses, routes, neighbours, proxy entries and the given sysctls, read at one
   * go: over SSH one round trip for all of them (a host of this machine reads them one by one,
   * each a few netlink messages). A sysctl the host does not have is left out of the result.
   */
  default HostSnapshot snapshot(Collection<String> sysctlKeys) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String k : sysctlKeys) {
      try {
        values.put(k, sysctl(k));
      } catch (NetlinkException e) {
        if (e.errno() != 2 && e.errno() != 19) { // ENOENT, ENODEV: no such key or interface
          throw e;
        }
      }
    }
    return new HostSnapshot(interfaces(), addresses(), routes(), neighbours().list(), proxyEntries(), values);
  }

  // ---- writes ----

  /** Sets a sysctl of the host's network namespace. */
  Change sysctl(String key, String value);

  /**
   * Turns on proxy_ndp on the uplink and returns the step for its proxy entries. What enabling
   * changed is in {@link ProxyNdp#enabled()}.
   */
  ProxyNdp enableProxyNdp(String uplink);

  /** The proxy entries of an uplink, without touching proxy_ndp. */
  ProxyNdp proxyNdp(String uplink);

  /** Starts a route write: {@code route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add()}. */
  RouteTarget route(String destination);

  /** {@link #route(String)} for a prefix value (an IPAddress with a prefix length; without one, a host route). */
  default RouteTarget route(inet.ipaddr.IPAddress destination) {
    return route(destination.isPrefixed() ? destination.toPrefixBlock().toCanonicalString()
        : destination.toCanonicalString());
  }

  // ---- Docker ----

  /** The host's Docker engine; fails with a clear message when none is configured or it is unreachable. */
  Docker docker();

  /**
   * Explains reachability from this host's real state ({@code doctor().peers(docker1).reach(addr)}),
   * lists listening sockets and how containers are exposed over IPv6.
   */
  default Doctor doctor() {
    return Doctor.of(this);
  }

  @Override
  void close();

  /** Filter steps over the host's IPv6 neighbour table. */
  interface NeighbourQuery {
    NeighbourQuery dev(String device);

    NeighbourQuery state(NudState... states);

    /** Entries whose resolution failed (FAILED). */
    default NeighbourQuery failed() {
      return state(NudState.FAILED);
    }

    /** Entries still being resolved or failed: what an unanswered neighbour solicitation leaves. */
    default NeighbourQuery unresolved() {
      return state(NudState.INCOMPLETE, NudState.FAILED);
    }

    /** Entries being resolved (INCOMPLETE). */
    default NeighbourQuery incomplete() {
      return state(NudState.INCOMPLETE);
    }

    NeighbourQuery address(String address);

    /** {@link #address(String)} for an address value. */
    default NeighbourQuery address(inet.ipaddr.IPAddress address) {
      return address(address.withoutPrefixLength().toCanonicalString());
    }

    List<Neighbour> list();
  }

  /** Proxy entries on one uplink. */
  interface ProxyNdp {
    String uplink();

    /** What turning proxy_ndp on changed (empty when reached through {@link Host#proxyNdp}). */
    List<Change> enabled();

    /** Makes the host answer neighbour solicitations for {@code address} on the uplink. */
    Change proxy(String address);

    /**
     * Like {@link #proxy(String)}, marking a new entry with a protocol number (NDA_PROTOCOL, as
     * {@code ip neigh add proxy ADDR protocol P dev X}); Sixkit's plans mark theirs with {@code
     * dev.sixkit.netlink.Protocols.SIXKIT}, so ownership is read from the kernel. An existing entry
     * is left as it is. Hosts that cannot mark entries add them unmarked.
     */
    default Change proxy(String address, int protocol) {
      return proxy(address);
    }

    /** {@link #proxy(String)} for an address value, such as {@code container.ipv6().orElseThrow()}. */
    default Change proxy(inet.ipaddr.IPAddress address) {
      return proxy(address.withoutPrefixLength().toCanonicalString());
    }

    /** {@link #proxy(String, int)} for an address value. */
    default Change proxy(inet.ipaddr.IPAddress address, int protocol) {
      return proxy(address.withoutPrefixLength().toCanonicalString(), protocol);
    }

    /** Removes the proxy entry for {@code address}; UNCHANGED when there is none. */
    Change unproxy(String address);

    /** {@link #unproxy(String)} for an address value. */
    default Change unproxy(inet.ipaddr.IPAddress address) {
      return unproxy(address.withoutPrefixLength().toCanonicalString());
    }

    /** The proxy entries on the uplink. */
    List<Neighbour> entries();
  }

  /** First step of a route write: the next hop. */
  interface RouteTarget {
    RouteSpec via(String gateway);

    /** {@link #via(String)} for an address value. */
    default RouteSpec via(inet.ipaddr.IPAddress gateway) {
      return via(gateway.withoutPrefixLength().toCanonicalString());
    }

    RouteSpec dev(String device);
  }

  /** A route ready to be written. */
  interface RouteSpec {
    RouteSpec dev(String device);

    RouteSpec metric(int metric);

    /**
     * Marks the route written with a protocol number (RTA_PROTOCOL, as {@code ip route add ... proto
     * P}); Sixkit's plans mark theirs with {@code dev.sixkit.netlink.Protocols.SIXKIT}. Hosts that
     * cannot mark routes write them unmarked.
     */
    default RouteSpec protocol(int protocol) {
      return this;
    }

    /** Adds the route; UNCHANGED when the same route exists; fails when a different one holds the destination. */
    Change add();

    /** Adds or replaces the route to the destination. */
    Change replace();

    /** Deletes the route; UNCHANGED when there is none. */
    Change delete();
  }
}
