package dev.sixkit.host;

import dev.sixkit.plan.Prefixes;
import inet.ipaddr.ipv6.IPv6Address;

/**
 * A route to write on a host: {@code ip -6 route add DESTINATION via GATEWAY dev DEVICE}.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param destination the destination prefix, such as 2001:db8:ef11::/64
 * @param via the next hop's address
 * @param device the outgoing interface, such as eth0
 */
public record StaticRoute(IPv6Address destination, IPv6Address via, String device) {
  /**
   * The iproute2 command that makes this route, for printing as a manual step.
   *
   * @return {@code ip -6 route add DEST via GW dev DEV}
   */
  public String ipCommand() {
    return "ip -6 route add " + Prefixes.text(destination) + " via " + via.toCanonicalString() + " dev " + device;
  }

  @Override
  public String toString() {
    return Prefixes.text(destination) + " via " + via.toCanonicalString() + " dev " + device;
  }
}
