package dev.sixkit.internal.os;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.Optional;

/** Parses the address strings the Engine sends into ipaddress types. Stateless; thread-safe. */
public final class Ips {
  private Ips() {}

  /** An address without prefix length, or empty for null, "" or something that is not one. */
  public static Optional<IPAddress> address(String s) {
    if (s == null || s.isBlank()) {
      return Optional.empty();
    }
    IPAddress a = new IPAddressString(s.trim()).getAddress();
    return a == null ? Optional.empty() : Optional.of(a.withoutPrefixLength());
  }

  public static Optional<IPv6Address> ipv6(String s) {
    return address(s).filter(IPAddress::isIPv6).map(IPAddress::toIPv6);
  }

  public static Optional<IPv4Address> ipv4(String s) {
    return address(s).filter(IPAddress::isIPv4).map(IPAddress::toIPv4);
  }

  /** A prefix such as 2001:db8::/64 as a prefix block (host bits cleared), or empty. */
  public static Optional<IPAddress> prefix(String s) {
    if (s == null || s.isBlank()) {
      return Optional.empty();
    }
    IPAddress a = new IPAddressString(s.trim()).getAddress();
    if (a == null || a.getNetworkPrefixLength() == null) {
      return Optional.empty();
    }
    return Optional.of(a.toPrefixBlock());
  }
}
