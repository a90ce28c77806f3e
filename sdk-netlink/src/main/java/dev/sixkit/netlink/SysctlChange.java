package dev.sixkit.netlink;

/**
 * What one sysctl write did: the key as {@code sysctl(8)} names it, and the value read before
 * and after the write (after is read back from the kernel, not echoed).
 *
 * <p>Immutable record; thread-safe.
 *
 * @param key such as {@code net.ipv6.conf.eth0.proxy_ndp}
 * @param before the value before the write
 * @param after the value the kernel holds after it
 */
public record SysctlChange(String key, String before, String after) {
  /**
   * Whether the value changed.
   *
   * @return true when the value written differs from the old one
   */
  public boolean changed() {
    return !before.equals(after);
  }

  /** {@code net.ipv6.conf.eth0.proxy_ndp: 0 -> 1}, or {@code ...: 1 (unchanged)}. */
  @Override
  public String toString() {
    return key + ": " + (changed() ? before + " -> " + after : after + " (unchanged)");
  }
}
