package dev.sixkit.netlink;

/**
 * Interface addresses of one namespace (RTM_*ADDR).
 *
 * <p>Thread-safe: requests go through the client's serialised socket.
 */
public final class Addresses {
  private final Netlink nl;

  Addresses(Netlink nl) {
    this.nl = nl;
  }
}
