package dev.sixkit.plan;

import dev.sixkit.host.StaticRoute;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans Docker IPv6 prefixes for hosts that share an underlay, as the recipes do by hand, and
 * validates the result before anything is touched.
 *
 * <pre>{@code
 * // NDP proxy: split the shared /64 into /66s, docker1 and docker2 take the last two
 * NetworkPlan ndp = Planner.underlay("2001:db8:ab11::/64")
 *     .host("docker1", "eth0", "2001:db8:ab11::1")
 *     .host("docker2", "eth0", "2001:db8:ab11::2")
 *     .ndpProxy().split(66).plan();
 * // Routed: each host gets its own /64 and static routes to the others'
 * NetworkPlan routed = Planner.underlay("2001:db8:ab11::/64")
 *     .host("docker1", "eth0", "2001:db8:ab11::1")
 *     .host("docker2", "eth0", "2001:db8:ab11::2")
 *     .routed().prefix("docker1", "2001:db8:cd11::/64").prefix("docker2", "2001:db8:ef11::/64").plan();
 * }</pre>
 *
 * <p>Step objects are immutable and thread-safe; each call returns a new step.
 */
public final class Planner {
  /**
   * Docker engines before 28 derive a container's address from its 48-bit MAC, so
   * --fixed-cidr-v6 must leave at least 48 bits: /80 at most.
   */
  public static final int MAX_DOCKER_PREFIX_LENGTH = 80;

  private Planner() {}

  /**
   * Starts a plan on the hosts' shared on-link prefix (the uplink's /64), written as text.
   *
   * @param prefix such as {@code 2001:db8:ab11::/64}
   * @return the next step, which adds hosts
   * @throws PlanException when the text is no IPv6 prefix
   */
  public static HostsStep underlay(String prefix) {
    return underlay(Prefixes.prefix(prefix));
  }

  /**
   * Starts a plan on the hosts' shared on-link prefix (the uplink's /64).
   *
   * @param prefix the prefix
   * @return the next step, which adds hosts
   */
  public static HostsStep underlay(IPv6Address prefix) {
    if (!prefix.isPrefixed()) {
      throw new PlanException("the underlay " + prefix + " has no prefix length");
    }
    IPv6Address p = prefix.toPrefixBlock();
    if (p.getPrefixLength() > 64) {
      throw new PlanException("the underlay " + Prefixes.text(p) + " is longer than /64; IPv6 links are /64");
    }
    return new HostsStep(p, List.of());
  }

  record HostSpec(String name, String uplink, IPv6Address address) {}

  /** Adds hosts, then picks the mode. */
  public static final class HostsStep {
    private final IPv6Address underlay;
    private final List<HostSpec> hosts;

    private HostsStep(IPv6Address underlay, List<HostSpec> hosts) {
      this.underlay = underlay;
      this.hosts = hosts;
    }

    /**
     * A host with its uplink interface and its own address on the underlay.
     *
     * @param name the host's name
     * @param uplink its uplink interface
     * @param underlayAddress its address inside the underlay
     * @return a new step with it set
     * @throws PlanException when the name or uplink is blank, the address is no IPv6 address, or the name is
     *     taken
     */
    public HostsStep host(String name, String uplink, String underlayAddress) {
      if (name == null || name.isBlank()) {
        throw new PlanException("a host needs a name");
      }
      if (uplink == null || uplink.isBlank()) {
        throw new PlanException("host " + name + " needs an uplink interface (such as eth0)");
      }
      IPv6Address a = Prefixes.address(underlayAddress);
      for (HostSpec h : hosts) {
        if (h.name().equals(name)) {
          throw new PlanException("host " + name + " is defined twice");
        }
        if (h.address().equals(a)) {
          throw new PlanException("hosts " + h.name() + " and " + name + " both claim " + a.toCanonicalString());
        }
      }
      if (!Prefixes.contains(underlay, a)) {
        throw new PlanException("host " + name + "'s address " + a.toCanonicalString() + " is outside the underlay "
            + Prefixes.text(underlay));
      }
      List<HostSpec> more = new ArrayList<>(hosts);
      more.add(new HostSpec(name, uplink, a));
      return new HostsStep(underlay, List.copyOf(more));
    }

    /**
     * NDP proxy mode: Docker prefixes come from splitting the underlay itself.
     *
     * @return the NDP proxy step
     */
    public NdpStep ndpProxy() {
      requireHosts();
      return new NdpStep(underlay, hosts, 0, Map.of());
    }

    /**
     * Routed mode: each host gets its own prefix outside the underlay, and static routes.
     *
     * @return the routed step
     */
    public RoutedStep routed() {
      requireHosts();
      return new RoutedStep(underlay, hosts, Map.of());
    }

    private void requireHosts() {
      if (hosts.isEmpty()) {
        throw new PlanException("a plan needs at least one host");
      }
    }
  }

  /** NDP proxy mode: how to split the underlay. */
  public static final class NdpStep {
    private final IPv6Address underlay;
    private final List<HostSpec> hosts;
    private final int length;
    private final Map<String, IPv6Address> explicit;

    private NdpStep(IPv6Address underlay, List<HostSpec> hosts, int length, Map<String, IPv6Address> explicit) {
      this.underlay = underlay;
      this.hosts = hosts;
      this.length = length;
      this.explicit = explicit;
    }

    /**
     * Splits the underlay into parts of this length; hosts take the last parts in order (the
     * first part keeps the hosts' own addresses). Without it, the shortest split that fits is used.
     *
     * @param partLength the parts' prefix length, longer than the underlay's
     * @return a new step with it set
     */
    public NdpStep split(int partLength) {
      return new NdpStep(underlay, hosts, partLength, explicit);
    }

    /**
     * Gives a host an explicit Docker prefix (inside the underlay).
     *
     * @param host the host's name
     * @param prefix the prefix as text
     * @return a new step with it set
     */
    public NdpStep prefix(String host, String prefix) {
      return prefix(host, Prefixes.prefix(prefix));
    }

    /**
     * {@link #prefix(String, String)} for a prefix value.
     *
     * @param host the host's name
     * @param prefix the prefix
     * @return a new step with it set
     */
    public NdpStep prefix(String host, IPv6Address prefix) {
      if (!prefix.isPrefixed()) {
        throw new PlanException("prefix " + prefix + " of " + host + " has no prefix length");
      }
      Map<String, IPv6Address> m = new LinkedHashMap<>(explicit);
      m.put(host, prefix.toPrefixBlock());
      return new NdpStep(underlay, hosts, length, Map.copyOf(m));
    }

    /**
     * Validates and returns the plan.
     *
     * @return the plan
     * @throws PlanException when the hosts do not fit or the prefixes clash
     */
    public NetworkPlan plan() {
      Map<String, IPv6Address> assigned = new LinkedHashMap<>(explicit);
      List<HostSpec> open = hosts.stream().filter(h -> !explicit.containsKey(h.name())).toList();
      if (!open.isEmpty()) {
        List<IPv6Address> free = freeParts(open.size());
        for (int i = 0; i < open.size(); i++) {
          assigned.put(open.get(i).name(), free.get(free.size() - open.size() + i));
        }
      }
      return validate(Mode.NDP_PROXY, underlay, hosts, assigned);
    }

    private List<IPv6Address> freeParts(int needed) {
      if (length != 0) {
        List<IPv6Address> free = free(Prefixes.split(underlay, length));
        if (free.size() < needed) {
          int parts = 1 << (length - underlay.getPrefixLength());
          throw new PlanException("splitting " + Prefixes.text(underlay) + " into /" + length + " gives " + parts
              + " parts, " + (parts - free.size()) + " of them holding the hosts' own addresses, leaving " + free.size()
              + " for " + needed + " hosts: use a longer length (/" + (length + 1) + " gives " + (parts * 2) + ")");
        }
        return free;
      }
      for (int len = underlay.getPrefixLength() + 1; len <= MAX_DOCKER_PREFIX_LENGTH; len++) {
        List<IPv6Address> free = free(Prefixes.split(underlay, len));
        if (free.size() >= needed) {
          return free;
        }
      }
      throw new PlanException("no split of " + Prefixes.text(underlay) + " up to /" + MAX_DOCKER_PREFIX_LENGTH
          + " leaves " + needed + " parts free of the hosts' addresses");
    }

    private List<IPv6Address> free(List<IPv6Address> parts) {
      List<IPv6Address> free = new ArrayList<>();
      for (IPv6Address p : parts) {
        if (hosts.stream().noneMatch(h -> Prefixes.contains(p, h.address()))) {
          free.add(p);
        }
      }
      return free;
    }
  }

  /** Routed mode: each host's prefix. */
  public static final class RoutedStep {
    private final IPv6Address underlay;
    private final List<HostSpec> hosts;
    private final Map<String, IPv6Address> prefixes;

    private RoutedStep(IPv6Address underlay, List<HostSpec> hosts, Map<String, IPv6Address> prefixes) {
      this.underlay = underlay;
      this.hosts = hosts;
      this.prefixes = prefixes;
    }

    /**
     * The Docker prefix of one host.
     *
     * @param host the host's name
     * @param prefix the prefix as text
     * @return a new step with it set
     */
    public RoutedStep prefix(String host, String prefix) {
      return prefix(host, Prefixes.prefix(prefix));
    }

    /**
     * {@link #prefix(String, String)} for a prefix value.
     *
     * @param host the host's name
     * @param prefix the prefix
     * @return a new step with it set
     */
    public RoutedStep prefix(String host, IPv6Address prefix) {
      if (!prefix.isPrefixed()) {
        throw new PlanException("prefix " + prefix + " of " + host + " has no prefix length");
      }
      Map<String, IPv6Address> m = new LinkedHashMap<>(prefixes);
      m.put(host, prefix.toPrefixBlock());
      return new RoutedStep(underlay, hosts, Map.copyOf(m));
    }

    /**
     * Validates and returns the plan with the full mesh of static routes.
     *
     * @return the plan
     * @throws PlanException when the prefixes overlap or a host has none
     */
    public NetworkPlan plan() {
      for (HostSpec h : hosts) {
        if (!prefixes.containsKey(h.name())) {
          throw new PlanException("host " + h.name() + " has no Docker prefix; give it one with prefix(\"" + h.name()
              + "\", \"2001:db8:…/64\")");
        }
      }
      return validate(Mode.ROUTED, underlay, hosts, prefixes);
    }
  }

  private static NetworkPlan validate(Mode mode, IPv6Address underlay, List<HostSpec> hosts,
      Map<String, IPv6Address> prefixes) {
    for (String name : prefixes.keySet()) {
      if (hosts.stream().noneMatch(h -> h.name().equals(name))) {
        throw new PlanException("a prefix is given for " + name + ", which is not one of the hosts");
      }
    }
    List<HostSpec> ordered = hosts;
    for (HostSpec h : ordered) {
      IPv6Address p = prefixes.get(h.name());
      String pt = Prefixes.text(p);
      if (p.getPrefixLength() > MAX_DOCKER_PREFIX_LENGTH) {
        throw new PlanException(h.name() + "'s Docker prefix " + pt + " is longer than /" + MAX_DOCKER_PREFIX_LENGTH
            + ": Docker derives container addresses from 48-bit MACs and will not accept it");
      }
      if (mode == Mode.NDP_PROXY && !underlay.contains(p)) {
        throw new PlanException(h.name() + "'s Docker prefix " + pt + " is outside the uplink's on-link prefix "
            + Prefixes.text(underlay) + ": in NDP proxy mode the containers must look on-link to the neighbours");
      }
      if (mode == Mode.ROUTED && Prefixes.overlap(p, underlay)) {
        throw new PlanException(h.name() + "'s Docker prefix " + pt + " overlaps the underlay " + Prefixes.text(underlay)
            + ": in routed mode each host's prefix must be routed, not on-link");
      }
      for (HostSpec other : ordered) {
        if (Prefixes.contains(p, other.address())) {
          throw new PlanException(h.name() + "'s Docker prefix " + pt + " contains " + other.name() + "'s own address "
              + other.address().toCanonicalString());
        }
        if (other != h) {
          IPv6Address q = prefixes.get(other.name());
          if (ordered.indexOf(other) > ordered.indexOf(h) && Prefixes.overlap(p, q)) {
            throw new PlanException("the Docker prefixes of " + h.name() + " (" + pt + ") and " + other.name() + " ("
                + Prefixes.text(q) + ") overlap");
          }
        }
      }
    }
    List<HostPlan> plans = new ArrayList<>();
    for (HostSpec h : ordered) {
      List<StaticRoute> routes = new ArrayList<>();
      if (mode == Mode.ROUTED) {
        for (HostSpec other : ordered) {
          if (other != h) {
            routes.add(new StaticRoute(prefixes.get(other.name()), other.address(), h.uplink()));
          }
        }
      }
      plans.add(new HostPlan(h.name(), h.uplink(), h.address(), prefixes.get(h.name()), mode, routes));
    }
    return new NetworkPlan(mode, underlay, plans);
  }
}
