package dev.sixkit.netlink;

/**
 * Routes of one namespace (RTM_*ROUTE) and route lookups.
 *
 * <p>Thread-safe: requests go through the client's serialised socket.
 */
public final class Routes {
  private final Netlink nl;

  Routes(Netlink nl) {
    this.nl = nl;
  }
}
