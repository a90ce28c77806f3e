package dev.sixkit.docker;

import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.Objects;
import java.util.Optional;

/**
 * How a container is attached to one Docker network, as the Engine reports it in the container's
 * NetworkSettings: its addresses there are read, never derived from its MAC (Docker 28 and later
 * hand out IPv6 addresses by IPAM, not from the MAC).
 *
 * <p>Immutable; thread-safe.
 *
 * @param network the network's name, such as "bridge"
 * @param networkId the network's id
 * @param ipv6 the container's global IPv6 address on this network, if any (without prefix length)
 * @param ipv6PrefixLength the length of the IPv6 prefix it lives in (0 without an address)
 * @param ipv6Gateway the IPv6 gateway the container routes through, if any
 * @param ipv4 the container's IPv4 address on this network, if any
 * @param ipv4PrefixLength the IPv4 prefix length (0 without an address)
 * @param ipv4Gateway the IPv4 gateway, if any
 * @param mac the MAC address of the container's interface, or "" when the Engine gives none
 */
public record NetworkAttachment(String network, String networkId, Optional<IPv6Address> ipv6, int ipv6PrefixLength,
    Optional<IPv6Address> ipv6Gateway, Optional<IPv4Address> ipv4, int ipv4PrefixLength,
    Optional<IPv4Address> ipv4Gateway, String mac) {

  /**
   * Checks the components.
   *
   * @param network the network's name; not null
   * @param networkId the network's id; null becomes ""
   * @param ipv6 the IPv6 address; not null (empty when none)
   * @param ipv6PrefixLength the IPv6 prefix length
   * @param ipv6Gateway the IPv6 gateway; not null (empty when none)
   * @param ipv4 the IPv4 address; not null (empty when none)
   * @param ipv4PrefixLength the IPv4 prefix length
   * @param ipv4Gateway the IPv4 gateway; not null (empty when none)
   * @param mac the MAC address; null becomes ""
   * @throws NullPointerException if a component marked not null is null
   */
  public NetworkAttachment {
    Objects.requireNonNull(network, "network");
    networkId = networkId == null ? "" : networkId;
    Objects.requireNonNull(ipv6, "ipv6");
    Objects.requireNonNull(ipv6Gateway, "ipv6Gateway");
    Objects.requireNonNull(ipv4, "ipv4");
    Objects.requireNonNull(ipv4Gateway, "ipv4Gateway");
    mac = mac == null ? "" : mac;
  }

  /**
   * The IPv6 prefix the address lives in, such as 2001:db8:ab11:0:8000::/66.
   *
   * @return the prefix block; empty without IPv6 address
   */
  public Optional<IPv6Address> ipv6Prefix() {
    return ipv6.map(a -> a.toPrefixBlock(ipv6PrefixLength));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(network).append(':');
    ipv6.ifPresent(a -> sb.append(' ').append(a.toCanonicalString()).append('/').append(ipv6PrefixLength));
    ipv4.ifPresent(a -> sb.append(' ').append(a).append('/').append(ipv4PrefixLength));
    if (!mac.isEmpty()) {
      sb.append(" mac ").append(mac);
    }
    return sb.toString();
  }
}
