package dev.sixkit.host;

/**
 * One thing a write did, or found already done: every Host write returns these, so callers (and
 * the DSL's plan/apply/undo) can say exactly what changed where.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param host the host it happened on
 * @param kind added, removed, changed, or unchanged (already as asked)
 * @param object what it is about: "proxy 2001:db8::5 dev eth0", "sysctl net.ipv6.conf.eth0.proxy_ndp"
 * @param before the value before ("" when it did not exist)
 * @param after the value after ("" when it no longer exists)
 */
public record Change(String host, Kind kind, String object, String before, String after) {
  /** What a write did. */
  public enum Kind {
    /** The object did not exist and was created. */
    ADDED("+"),
    /** The object existed and was deleted. */
    REMOVED("-"),
    /** The object existed with another value, now replaced. */
    CHANGED("~"),
    /** The object was already as asked; nothing was written. */
    UNCHANGED("=");

    private final String sign;

    Kind(String sign) {
      this.sign = sign;
    }

    /**
     * The one-character mark plans and logs print before the object.
     *
     * @return "+", "-", "~" or "="
     */
    public String sign() {
      return sign;
    }
  }

  /**
   * An object that was created.
   *
   * @param host the host's name
   * @param object what was created, such as "route 2001:db8:ef11::/64"
   * @param after its value now
   * @return an ADDED change with an empty before
   */
  public static Change added(String host, String object, String after) {
    return new Change(host, Kind.ADDED, object, "", after);
  }

  /**
   * An object that was deleted.
   *
   * @param host the host's name
   * @param object what was deleted
   * @param before its value before
   * @return a REMOVED change with an empty after
   */
  public static Change removed(String host, String object, String before) {
    return new Change(host, Kind.REMOVED, object, before, "");
  }

  /**
   * An object that was already as asked.
   *
   * @param host the host's name
   * @param object what was looked at
   * @param value its value, both before and after ("" when it is absent, as asked)
   * @return an UNCHANGED change
   */
  public static Change unchanged(String host, String object, String value) {
    return new Change(host, Kind.UNCHANGED, object, value, value);
  }

  /**
   * A value change, such as a sysctl's.
   *
   * @param host the host's name
   * @param object what was set
   * @param before the value before; not null
   * @param after the value after
   * @return CHANGED, or UNCHANGED when before equals after
   * @throws NullPointerException if {@code before} is null
   */
  public static Change of(String host, String object, String before, String after) {
    return new Change(host, before.equals(after) ? Kind.UNCHANGED : Kind.CHANGED, object, before, after);
  }

  /**
   * Whether the write touched the system.
   *
   * @return true unless the kind is UNCHANGED
   */
  public boolean changed() {
    return kind != Kind.UNCHANGED;
  }

  @Override
  public String toString() {
    String s = host + ": " + kind.sign() + " " + object;
    return switch (kind) {
      case CHANGED -> s + ": " + before + " -> " + after;
      case UNCHANGED -> s + " (already " + (after.isEmpty() ? "so" : after) + ")";
      default -> s;
    };
  }
}
