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
 *
 * <p>Errors: a host of this machine throws {@link NetlinkException} (carrying the kernel's errno
 * and extended-ACK text), an SSH host throws {@link SshException}; both name the host and the
 * object at fault.
 */
public interface Host extends AutoCloseable {
  /**
   * This machine: its own network namespace, Docker at DOCKER_HOST or /var/run/docker.sock.
   *
   * @return a new host; the caller closes it
   */
  static NetlinkHost connect() {
    return KernelHost.local();
  }

  /**
   * A host living in the named network namespace, with no Docker endpoint ({@link #docker()}
   * fails).
   *
   * @param name the namespace under /run/netns; also the host's name
   * @return a new host; the caller closes it
   * @throws NetlinkException if the namespace does not exist or cannot be entered
   */
  static NetlinkHost netns(String name) {
    return KernelHost.of(Netns.open(name), name, null);
  }

  /**
   * A host living in the named network namespace, with its own Docker endpoint.
   *
   * @param name the namespace under /run/netns; also the host's name
   * @param dockerEndpoint the Engine's socket, {@code unix:///path} or a plain path; null for none.
   *     Not contacted until {@link #docker()} is first called
   * @return a new host; the caller closes it
   * @throws NetlinkException if the namespace does not exist or cannot be entered
   */
  static NetlinkHost netns(String name, String dockerEndpoint) {
    return KernelHost.of(Netns.open(name), name, dockerEndpoint);
  }

  /**
   * A host living in a network namespace, called {@code hostName} in messages and changes (a lab
   * names its namespace LAB-docker1 and its host docker1).
   *
   * @param netnsName the namespace under /run/netns
   * @param dockerEndpoint the Engine's socket, {@code unix:///path} or a plain path; null for none
   * @param hostName the name messages and {@link Change}s use
   * @return a new host; the caller closes it
   * @throws NetlinkException if the namespace does not exist or cannot be entered
   */
  static NetlinkHost netns(String netnsName, String dockerEndpoint, String hostName) {
    return KernelHost.of(Netns.open(netnsName), hostName, dockerEndpoint);
  }

  /**
   * A remote host over SSH, with the defaults of {@link SshOptions#defaults()}: {@code
   * "root@docker2"}, {@code "root@docker2:2222"}, {@code "root@[2001:db8::2]:22"}. Connects now;
   * the server's key must be in ~/.ssh/known_hosts.
   *
   * @param target {@code [user@]host[:port]}, an IPv6 literal in brackets; the user defaults to
   *     this process's user, the port to 22
   * @return a connected host; the caller closes it
   * @throws SshException if the target is malformed, the connection or authentication fails, or
   *     the server's key is unknown or changed
   */
  static SshHost ssh(String target) {
    return SshHost.connect(target, SshOptions.defaults());
  }

  /**
   * A remote host over SSH with the given keys, known_hosts, timeouts and Docker socket.
   *
   * @param target {@code [user@]host[:port]}, an IPv6 literal in brackets
   * @param options how to connect and authenticate; not null
   * @return a connected host; the caller closes it
   * @throws SshException if the target is malformed, the connection or authentication fails, or
   *     the server's key is not accepted by the options' known_hosts policy
   */
  static SshHost ssh(String target, SshOptions options) {
    return SshHost.connect(target, options);
  }

  /**
   * The host's name, used in messages and {@link Change}s.
   *
   * @return the namespace name (or the name given), "localhost", or the SSH target's host
   */
  String name();

  /**
   * The network namespace file of a host on this machine ({@code /run/netns/NAME}, or
   * {@code /proc/self/ns/net} for this machine's own), so tools such as {@code ip6tables-save}
   * can run in it with {@code nsenter --net=PATH}.
   *
   * @return the namespace file; empty for a remote host
   */
  default java.util.Optional<java.nio.file.Path> netnsPath() {
    return java.util.Optional.empty();
  }

  // ---- reads ----

  /**
   * Network interfaces, as {@code ip link}.
   *
   * @return every interface of the host; never null
   */
  List<Link> interfaces();

  /**
   * Interface addresses, both families, as {@code ip addr}.
   *
   * @return every address of every interface; never null
   */
  List<Address> addresses();

  /**
   * Routes of the main table, both families.
   *
   * @return the main table's routes; never null
   */
  List<Route> routes();

  /**
   * The route the kernel would use for one destination (as {@code ip route get}).
   *
   * @param destination an address, without prefix length
   * @return the chosen route, with its device and gateway
   * @throws NetlinkException if the address is malformed or the kernel has no route (ENETUNREACH)
   */
  Route routeTo(String destination);

  /**
   * {@link #routeTo(String)} for an address value.
   *
   * @param destination an address; a prefix length is ignored
   * @return the chosen route
   * @throws NetlinkException if the kernel has no route to it
   */
  default Route routeTo(inet.ipaddr.IPAddress destination) {
    return routeTo(destination.withoutPrefixLength().toCanonicalString());
  }

  /**
   * IPv6 neighbour entries, filtered step by step.
   *
   * @return a query over every IPv6 neighbour (proxy entries excluded); nothing is read until
   *     {@link NeighbourQuery#list()}
   */
  NeighbourQuery neighbours();

  /**
   * Proxy neighbour entries on every device ({@code ip -6 neigh show proxy}).
   *
   * @return the proxy entries; never null
   */
  List<Neighbour> proxyEntries();

  /**
   * The host's TCP listening sockets with the processes holding them, like {@code ss -ltnp}
   * (docker-proxy on {@code [::]:PORT} shows here): through sock_diag on a namespace host, from
   * {@code ss} over SSH.
   *
   * @return the listeners, sorted by port, family, address
   */
  List<Socket> listeningSockets();

  /**
   * A sysctl of the host's network namespace.
   *
   * @param key dotted name such as net.ipv6.conf.eth0.proxy_ndp
   * @return the value as the kernel prints it
   * @throws NetlinkException if the key does not exist (errno ENOENT, or ENODEV for a missing
   *     interface); over SSH, {@link SshException}
   */
  String sysctl(String key);

  /**
   * Interfaces, addresses, routes, neighbours, proxy entries and the given sysctls, read at one
   * go: over SSH one round trip for all of them (a host of this machine reads them one by one,
   * each a few netlink messages).
   *
   * @param sysctlKeys dotted sysctl names; may be empty. A key the host does not have is left out
   *     of the result
   * @return the snapshot
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

  /**
   * Sets a sysctl of the host's network namespace.
   *
   * @param key dotted name such as net.ipv6.conf.eth0.proxy_ndp
   * @param value the new value
   * @return the change, with the value before; UNCHANGED when it already had that value
   * @throws NetlinkException if the key does not exist or the kernel refuses the value
   */
  Change sysctl(String key, String value);

  /**
   * Turns on proxy_ndp on the uplink and returns the step for its proxy entries. What enabling
   * changed is in {@link ProxyNdp#enabled()}.
   *
   * @param uplink the interface facing the peers, such as eth0
   * @return the proxy entries of that uplink
   * @throws NetlinkException if the uplink does not exist
   */
  ProxyNdp enableProxyNdp(String uplink);

  /**
   * The proxy entries of an uplink, without touching proxy_ndp.
   *
   * @param uplink the interface, such as eth0
   * @return the proxy entries of that uplink
   * @throws NetlinkException if the uplink does not exist
   */
  ProxyNdp proxyNdp(String uplink);

  /**
   * Starts a route write: {@code route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add()}.
   *
   * @param destination a prefix such as 2001:db8:ef11::/64, or an address (a host route)
   * @return the next step, which takes the gateway or the device
   * @throws NetlinkException if the destination is not an address or prefix (EINVAL)
   */
  RouteTarget route(String destination);

  /**
   * {@link #route(String)} for a prefix value.
   *
   * @param destination an IPAddress with a prefix length (its block is used); without one, a host
   *     route
   * @return the next step
   */
  default RouteTarget route(inet.ipaddr.IPAddress destination) {
    return route(destination.isPrefixed() ? destination.toPrefixBlock().toCanonicalString()
        : destination.toCanonicalString());
  }

  // ---- Docker ----

  /**
   * The host's Docker engine, connected on first use and closed with the host.
   *
   * @return the engine client
   * @throws dev.sixkit.SixkitException if no endpoint is configured or the engine cannot be
   *     reached (a {@link dev.sixkit.docker.DockerException} naming the endpoint on this machine)
   */
  Docker docker();

  /**
   * The daemon's facts, every container and (when {@code withNetworks}) every network, read at
   * one go: over SSH a few pipelined requests on one channel to the remote Engine's socket, without
   * the Docker client {@link #docker()} opens; elsewhere through {@link #docker()}.
   *
   * @param withNetworks whether to read every network too (only a setup that declares networks needs them)
   * @return the daemon's facts, the containers sorted by name and, when asked, the networks
   */
  default dev.sixkit.docker.DockerSnapshot dockerSnapshot(boolean withNetworks) {
    Docker d = docker();
    return new dev.sixkit.docker.DockerSnapshot(d.daemon(), d.containers(),
        withNetworks ? java.util.Optional.of(d.networks()) : java.util.Optional.empty());
  }

  /**
   * Explains reachability from this host's real state ({@code doctor().peers(docker1).reach(addr)}),
   * lists listening sockets and how containers are exposed over IPv6.
   *
   * @return a doctor reading this host; reads nothing until asked
   */
  default Doctor doctor() {
    return Doctor.of(this);
  }

  /** Releases the netlink socket or SSH session and the Docker connection. */
  @Override
  void close();

  /**
   * Filter steps over the host's IPv6 neighbour table. Immutable: each step returns a new query;
   * the table is read by {@link #list()}.
   */
  interface NeighbourQuery {
    /**
     * Keeps entries on one device.
     *
     * @param device interface name such as eth0
     * @return the narrowed query
     */
    NeighbourQuery dev(String device);

    /**
     * Keeps entries in any of the given states.
     *
     * @param states NUD states; none keeps every state
     * @return the narrowed query
     */
    NeighbourQuery state(NudState... states);

    /**
     * Entries whose resolution failed (FAILED).
     *
     * @return the narrowed query
     */
    default NeighbourQuery failed() {
      return state(NudState.FAILED);
    }

    /**
     * Entries still being resolved or failed: what an unanswered neighbour solicitation leaves.
     *
     * @return the narrowed query
     */
    default NeighbourQuery unresolved() {
      return state(NudState.INCOMPLETE, NudState.FAILED);
    }

    /**
     * Entries being resolved (INCOMPLETE).
     *
     * @return the narrowed query
     */
    default NeighbourQuery incomplete() {
      return state(NudState.INCOMPLETE);
    }

    /**
     * Keeps the entry for one address.
     *
     * @param address an IPv6 address, any textual form
     * @return the narrowed query
     * @throws NetlinkException if the address is malformed (EINVAL)
     */
    NeighbourQuery address(String address);

    /**
     * {@link #address(String)} for an address value.
     *
     * @param address the address; a prefix length is ignored
     * @return the narrowed query
     */
    default NeighbourQuery address(inet.ipaddr.IPAddress address) {
      return address(address.withoutPrefixLength().toCanonicalString());
    }

    /**
     * Reads the table now.
     *
     * @return the matching entries; empty when none match
     */
    List<Neighbour> list();
  }

  /** Proxy entries on one uplink. Thread-safe like its host. */
  interface ProxyNdp {
    /**
     * The uplink these entries live on.
     *
     * @return the interface name, such as eth0
     */
    String uplink();

    /**
     * What turning proxy_ndp on changed.
     *
     * @return the sysctl change; empty when reached through {@link Host#proxyNdp}
     */
    List<Change> enabled();

    /**
     * Makes the host answer neighbour solicitations for {@code address} on the uplink.
     *
     * @param address an IPv6 address (a container's), any textual form
     * @return ADDED, or UNCHANGED when the entry exists
     * @throws dev.sixkit.SixkitException if the address is malformed or not IPv6
     */
    Change proxy(String address);

    /**
     * Like {@link #proxy(String)}, marking a new entry with a protocol number (NDA_PROTOCOL, as
     * {@code ip neigh add proxy ADDR protocol P dev X}); Sixkit's plans mark theirs with {@code
     * dev.sixkit.netlink.Protocols.SIXKIT}, so ownership is read from the kernel. An existing entry
     * is left as it is. Hosts that cannot mark entries add them unmarked.
     *
     * @param address an IPv6 address, any textual form
     * @param protocol 0 to 255; 0 adds the entry unmarked
     * @return ADDED, or UNCHANGED when the entry exists
     * @throws dev.sixkit.SixkitException if the address is malformed or not IPv6
     */
    default Change proxy(String address, int protocol) {
      return proxy(address);
    }

    /**
     * {@link #proxy(String)} for an address value, such as {@code container.ipv6().orElseThrow()}.
     *
     * @param address the address; a prefix length is ignored
     * @return ADDED, or UNCHANGED when the entry exists
     */
    default Change proxy(inet.ipaddr.IPAddress address) {
      return proxy(address.withoutPrefixLength().toCanonicalString());
    }

    /**
     * {@link #proxy(String, int)} for an address value.
     *
     * @param address the address; a prefix length is ignored
     * @param protocol 0 to 255; 0 adds the entry unmarked
     * @return ADDED, or UNCHANGED when the entry exists
     */
    default Change proxy(inet.ipaddr.IPAddress address, int protocol) {
      return proxy(address.withoutPrefixLength().toCanonicalString(), protocol);
    }

    /**
     * Removes the proxy entry for {@code address}.
     *
     * @param address an IPv6 address, any textual form
     * @return REMOVED, or UNCHANGED when there is none
     * @throws dev.sixkit.SixkitException if the address is malformed or not IPv6
     */
    Change unproxy(String address);

    /**
     * {@link #unproxy(String)} for an address value.
     *
     * @param address the address; a prefix length is ignored
     * @return REMOVED, or UNCHANGED when there is none
     */
    default Change unproxy(inet.ipaddr.IPAddress address) {
      return unproxy(address.withoutPrefixLength().toCanonicalString());
    }

    /**
     * The proxy entries on the uplink, read now.
     *
     * @return the entries; empty when there are none
     */
    List<Neighbour> entries();
  }

  /** First step of a route write: the next hop. Immutable. */
  interface RouteTarget {
    /**
     * Routes through a gateway.
     *
     * @param gateway the next hop's address (a link-local one needs {@link RouteSpec#dev})
     * @return the route, ready to be written
     * @throws NetlinkException if the gateway is malformed (EINVAL)
     */
    RouteSpec via(String gateway);

    /**
     * {@link #via(String)} for an address value.
     *
     * @param gateway the next hop; a prefix length is ignored
     * @return the route, ready to be written
     */
    default RouteSpec via(inet.ipaddr.IPAddress gateway) {
      return via(gateway.withoutPrefixLength().toCanonicalString());
    }

    /**
     * Routes straight out of a device, without gateway (an on-link route).
     *
     * @param device interface name
     * @return the route, ready to be written
     */
    RouteSpec dev(String device);
  }

  /** A route ready to be written. Immutable: each step returns a new spec. */
  interface RouteSpec {
    /**
     * Sets the outgoing device.
     *
     * @param device interface name
     * @return the spec with the device
     */
    RouteSpec dev(String device);

    /**
     * Sets the route's metric (priority; lower wins).
     *
     * @param metric 0 or more; -1 (the default) means any metric on delete and the kernel's
     *     default on add
     * @return the spec with the metric
     */
    RouteSpec metric(int metric);

    /**
     * Marks the route written with a protocol number (RTA_PROTOCOL, as {@code ip route add ... proto
     * P}); Sixkit's plans mark theirs with {@code dev.sixkit.netlink.Protocols.SIXKIT}. Hosts that
     * cannot mark routes write them unmarked.
     *
     * @param protocol 0 to 255; 0 leaves the route unmarked
     * @return the spec with the protocol
     */
    default RouteSpec protocol(int protocol) {
      return this;
    }

    /**
     * Adds the route.
     *
     * @return ADDED, or UNCHANGED when the same route exists
     * @throws NetlinkException if a different route holds the destination (EEXIST) or the kernel
     *     refuses it (unreachable gateway, missing device); over SSH, {@link SshException}
     */
    Change add();

    /**
     * Adds or replaces the route to the destination.
     *
     * @return ADDED, CHANGED (with the route before), or UNCHANGED when it was already so
     * @throws NetlinkException if the kernel refuses the route; over SSH, {@link SshException}
     */
    Change replace();

    /**
     * Deletes the route.
     *
     * @return REMOVED, or UNCHANGED when there is none
     * @throws NetlinkException if the kernel refuses; over SSH, {@link SshException}
     */
    Change delete();
  }
}
