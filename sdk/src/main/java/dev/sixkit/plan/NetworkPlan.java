package dev.sixkit.plan;

import inet.ipaddr.ipv6.IPv6Address;
import java.util.List;
import java.util.Optional;

/**
 * A validated plan for a set of Docker hosts sharing an underlay: one {@link HostPlan} each.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param mode how containers on different hosts reach each other
 * @param underlay the prefix the hosts share
 * @param hosts one plan per host
 */
public record NetworkPlan(Mode mode, IPv6Address underlay, List<HostPlan> hosts) {
  /**
   * Copies the hosts.
   *
   * @param mode as {@link #mode()}
   * @param underlay as {@link #underlay()}
   * @param hosts as {@link #hosts()}
   */
  public NetworkPlan {
    hosts = List.copyOf(hosts);
  }

  /**
   * One host's part of the plan.
   *
   * @param name the host's name
   * @return the host's plan, or empty when the plan has no such host
   */
  public Optional<HostPlan> host(String name) {
    return hosts.stream().filter(h -> h.host().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(mode + " plan on underlay " + Prefixes.text(underlay));
    for (HostPlan h : hosts) {
      sb.append("\n  ").append(h);
    }
    return sb.toString();
  }
}
