package dev.sixkit.plan;

import inet.ipaddr.IPAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One IPAM pool of a Docker network: the prefix (a prefix block such as 2001:db8:ab11:0:8000::/66)
 * and the gateway address Docker gave the bridge in it, if any.
 *
 * <p>Immutable; thread-safe.
 *
 * @param prefix the pool, a prefix block
 * @param gateway the bridge's gateway address in it, if Docker gave one
 */
public record Subnet(IPAddress prefix, Optional<IPAddress> gateway) {

  /**
   * Checks the parts.
   *
   * @param prefix as {@link #prefix()}
   * @param gateway as {@link #gateway()}
   * @throws NullPointerException when {@code prefix} or {@code gateway} is null
   */
  public Subnet {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(gateway, "gateway");
  }

  /**
   * Whether this is an IPv6 subnet.
   *
   * @return true for IPv6
   */
  public boolean ipv6() {
    return prefix.isIPv6();
  }

  @Override
  public String toString() {
    return prefix.toCanonicalString() + gateway.map(g -> " gateway " + g.toCanonicalString()).orElse("");
  }
}
