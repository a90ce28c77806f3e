package dev.sixkit.host;

/**
 * One thing a write did, or found already done: every Host write returns these, so callers (and
 * the DSL's plan/apply/undo) can say exactly what changed where.
 *
 * @param host the host it happened on
 * @param kind added, removed, changed, or unchanged (already as asked)
 * @param object what it is about: "proxy 2001:db8::5 dev eth0", "sysctl net.ipv6.conf.eth0.proxy_ndp"
 * @param before the value before ("" when it did not exist)
 * @param after the value after ("" when it no longer exists)
 *
 * <p>Immutable record; thread-safe.
 */
public record Change(String host, Kind kind, String object, String before, String after) {
  /** What a write did. */
  public enum Kind {
    ADDED("+"), REMOVED("-"), CHANGED("~"), UNCHANGED("=");

    private final String sign;

    Kind(String sign) {
      this.sign = sign;
    }

    public String sign() {
      return sign;
    }
  }

  public static Change added(String host, String object, String after) {
    return new Change(host, Kind.ADDED, object, "", after);
  }

  public static Change removed(String host, String object, String before) {
    return new Change(host, Kind.REMOVED, object, before, "");
  }

  public static Change unchanged(String host, String object, String value) {
    return new Change(host, Kind.UNCHANGED, object, value, value);
  }

  /** A value change; UNCHANGED when before equals after. */
  public static Change of(String host, String object, String before, String after) {
    return new Change(host, before.equals(after) ? Kind.UNCHANGED : Kind.CHANGED, object, before, after);
  }

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
