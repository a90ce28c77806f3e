package dev.sixkit.netlink;

/**
 * Per-namespace sysctls, read and written from a thread inside the namespace.
 *
 * <p>Thread-safe.
 */
public final class Sysctls {
  private final Netlink nl;

  Sysctls(Netlink nl) {
    this.nl = nl;
  }
}
