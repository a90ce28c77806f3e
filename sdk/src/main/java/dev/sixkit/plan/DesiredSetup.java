package dev.sixkit.plan;

import inet.ipaddr.ipv6.IPv6Address;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a setup wants, as plain values: the shared underlay, the mode, how Docker prefixes are
 * planned, the hosts and the settings to persist. The setup language (or any Java code) builds
 * one; {@link SetupEngine} reads the hosts and brings them there.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param name the setup's name (its undo record is kept under it)
 * @param mode NDP proxy or routed
 * @param underlay the on-link prefix the hosts share on their uplinks
 * @param split NDP proxy: the length of the parts the underlay is split into, or 0
 * @param hosts the hosts, in order
 * @param persist the settings written to files, or null for none
 * @param stateDir where the undo record is kept (absolute)
 */
public record DesiredSetup(String name, Mode mode, IPv6Address underlay, int split, List<HostEntry> hosts,
    Persist persist, String stateDir) {
  /**
   * Copies the lists.
   *
   * @param name as {@link #name()}
   * @param mode as {@link #mode()}
   * @param underlay as {@link #underlay()}
   * @param split as {@link #split()}
   * @param hosts as {@link #hosts()}
   * @param persist as {@link #persist()}
   * @param stateDir as {@link #stateDir()}
   * @throws NullPointerException when {@code name}, {@code mode} or {@code underlay} is null
   */
  public DesiredSetup {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(underlay, "underlay");
    hosts = List.copyOf(hosts);
    if (hosts.isEmpty()) {
      throw new PlanException("setup " + name + " has no hosts");
    }
    Objects.requireNonNull(stateDir, "stateDir");
  }

  /**
   * The undo record's file.
   *
   * @return the path of the record under the state folder
   */
  public Path journalFile() {
    return Journal.file(stateDir, name);
  }

  /**
   * The host with this name.
   *
   * @param hostName the host's name in the setup
   * @return the host
   * @throws PlanException naming the hosts there are, when none has that name
   */
  public HostEntry host(String hostName) {
    return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst()
        .orElseThrow(() -> new PlanException("setup " + name + " has no host " + hostName + " (it has "
            + String.join(", ", hosts.stream().map(HostEntry::name).toList()) + ")"));
  }

  /**
   * The files the setup persists on a host, in the order sysctl, daemon.json, ip batch; empty without
   * persist.
   *
   * @param e the host
   * @return the paths, possibly empty
   */
  public List<String> persistPaths(HostEntry e) {
    if (persist == null) {
      return List.of();
    }
    String root = persist.rootOf(e.name());
    return List.of(root + "/etc/sysctl.d/60-sixkit.conf", root + "/etc/docker/daemon.json",
        root + "/etc/sixkit/" + name + ".ipbatch");
  }

  /**
   * The prefix plan for these underlay addresses (host name to address).
   *
   * @param addresses host name to underlay address
   * @return the plan
   * @throws PlanException when the prefixes cannot be laid out
   */
  public NetworkPlan networkPlan(java.util.Map<String, String> addresses) {
    Planner.HostsStep hs = Planner.underlay(Prefixes.text(underlay));
    for (HostEntry h : hosts) {
      hs = hs.host(h.name(), h.uplink(), addresses.get(h.name()));
    }
    if (mode == Mode.ROUTED) {
      Planner.RoutedStep rs = hs.routed();
      for (HostEntry h : hosts) {
        rs = rs.prefix(h.name(), h.prefix());
      }
      return rs.plan();
    }
    Planner.NdpStep ns = hs.ndpProxy();
    if (split != 0) {
      ns = ns.split(split);
    }
    for (HostEntry h : hosts) {
      if (h.prefix() != null) {
        ns = ns.prefix(h.name(), h.prefix());
      }
    }
    return ns.plan();
  }
}
