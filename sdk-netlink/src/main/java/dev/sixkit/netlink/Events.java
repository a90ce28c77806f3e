package dev.sixkit.netlink;

/**
 * Change events (RTNLGRP_*): links, addresses, routes and neighbours.
 *
 * <p>Thread-safe.
 */
public final class Events {
  private Events() {}

  /** Multicast groups one can subscribe to. */
  public enum Group {
    LINK, IPV4_ADDRESS, IPV6_ADDRESS, IPV4_ROUTE, IPV6_ROUTE, NEIGHBOUR
  }

  /** An open subscription. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  static Subscription subscribe(Netlink nl, Group... groups) {
    throw new UnsupportedOperationException("events: not yet");
  }
}
