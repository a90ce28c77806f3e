package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses address literals without ever touching DNS, and formats them the way iproute2 does
 * (RFC 5952 compressed IPv6). Thread-safe; no state.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * Parses an IPv4 or IPv6 literal textually, the way {@code ip} (inet_pton) reads it, never
   * through DNS and never through Java's InetAddress parser (which turns ::ffff:a.b.c.d into an
   * IPv4 address). Decided forms:
   * <ul>
   *   <li>IPv4-mapped (::ffff:192.0.2.2) and IPv4-compatible (::192.0.2.1) addresses are IPv6,
   *       as for the kernel and ip;
   *   <li>upper case hex and leading zeros in an IPv6 group (at most 4 digits) are taken;
   *   <li>an IPv4 octet with a leading zero (010.0.0.1) is refused: ip refuses it, other tools
   *       read it as octal;
   *   <li>a zone id (fe80::1%eth0) is refused: the device is given with {@code dev(...)};
   *   <li>whitespace around the literal is trimmed; whitespace inside is refused.
   * </ul>
   * A bad literal fails with EINVAL naming it.
   *
   * @param text the literal, such as {@code 2001:db8::1} or {@code 192.0.2.1}
   * @return the address, IPv6 for every 16-byte form
   * @throws NetlinkException EINVAL naming the text when it is not an address literal
   */
  public static InetAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new NetlinkException(Errno.EINVAL, "parse address", String.valueOf(text), "an address is required");
    }
    String t = text.trim();
    if (t.indexOf('%') >= 0) {
      throw new NetlinkException(Errno.EINVAL, "parse address", t, "'" + t
          + "' carries a zone id: give the address without %ZONE and the device with dev(...), as ip does");
    }
    byte[] b = t.indexOf(':') >= 0 ? v6(t) : v4(t);
    if (b == null) {
      throw new NetlinkException(Errno.EINVAL, "parse address", t, "'" + t + "' is not an IPv4 or IPv6 address");
    }
    return of(b);
  }

  /**
   * The address of 4 or 16 raw bytes; 16 bytes are always IPv6 (InetAddress.getByAddress would
   * turn an IPv4-mapped address into IPv4).
   *
   * @param raw 4 or 16 bytes, network order
   * @return the address
   * @throws NetlinkException EINVAL for any other length
   */
  public static InetAddress of(byte[] raw) {
    try {
      if (raw.length == 16) {
        return Inet6Address.getByAddress(null, raw, -1);
      }
      if (raw.length == 4) {
        return InetAddress.getByAddress(raw);
      }
    } catch (UnknownHostException e) {
      // not reached: the length is checked
    }
    throw new NetlinkException(Errno.EINVAL, "parse address", raw.length + " bytes", "an address is 4 or 16 bytes");
  }

  /** Four decimal octets, 0 to 255, no leading zeros (as inet_pton). Null when not. */
  static byte[] v4(String t) {
    String[] parts = t.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        char c = p.charAt(k);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /** RFC 4291 text: 8 groups of 1-4 hex digits, one "::", an optional dotted quad last. Null when not. */
  static byte[] v6(String t) {
    int dbl = t.indexOf("::");
    if (dbl >= 0 && t.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    int[] head;
    int[] tail;
    if (dbl < 0) {
      head = groups(t, true);
      tail = new int[0];
      if (head == null || head.length != 8) {
        return null;
      }
    } else {
      head = groups(t.substring(0, dbl), false);
      tail = groups(t.substring(dbl + 2), true);
      if (head == null || tail == null || head.length + tail.length > 7) {
        return null;
      }
    }
    int[] w = new int[8];
    System.arraycopy(head, 0, w, 0, head.length);
    System.arraycopy(tail, 0, w, 8 - tail.length, tail.length);
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (w[i] >> 8);
      out[2 * i + 1] = (byte) w[i];
    }
    return out;
  }

  private static int[] groups(String s, boolean quadLast) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int[] out = new int[parts.length + 1];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.indexOf('.') >= 0) {
        byte[] q = i == parts.length - 1 && quadLast ? v4(p) : null;
        if (q == null) {
          return null;
        }
        out[n++] = ((q[0] & 0xff) << 8) | (q[1] & 0xff);
        out[n++] = ((q[2] & 0xff) << 8) | (q[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        int d = Character.digit(p.charAt(k), 16);
        if (d < 0 || p.charAt(k) > 'f') {
          return null;
        }
        v = (v << 4) | d;
      }
      out[n++] = v;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /**
   * Parses an IPv6 literal; an IPv4 address fails with EAFNOSUPPORT and a message that says so.
   *
   * @param text the literal
   * @param what what the address is, for the error message ("gateway")
   * @return the address
   * @throws NetlinkException EINVAL for a bad literal, EAFNOSUPPORT for an IPv4 address
   */
  public static Inet6Address parseV6(String text, String what) {
    InetAddress a = parse(text);
    if (a instanceof Inet6Address v6) {
      return v6;
    }
    throw new NetlinkException(Errno.EAFNOSUPPORT, what, text,
        "'" + text + "' is an IPv4 address; an IPv6 address is required here");
  }

  /**
   * 4 for IPv4, 6 for IPv6.
   *
   * @param a the address
   * @return 4 or 6
   */
  public static int version(InetAddress a) {
    return a instanceof Inet4Address ? 4 : 6;
  }

  /**
   * AF_INET (2) or AF_INET6 (10).
   *
   * @param a the address
   * @return 2 or 10
   */
  public static int family(InetAddress a) {
    return a instanceof Inet4Address ? 2 : 10;
  }

  /**
   * RFC 5952 text: lower case, longest zero run compressed, as {@code ip} prints it.
   *
   * @param a the address
   * @return the address text, without a scope id
   */
  public static String format(InetAddress a) {
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // As glibc's inet_ntop, which ip uses: IPv4-mapped addresses print as ::ffff:a.b.c.d and
    // IPv4-compatible ones (six zero groups, the seventh not zero) as ::a.b.c.d.
    boolean sixZeros = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0;
    if (sixZeros && (g[5] == 0xffff || (g[5] == 0 && g[6] != 0))) {
      return (g[5] == 0xffff ? "::ffff:" : "::") + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff)
          + "." + (b[15] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] == 0) {
        int j = i;
        while (j < 8 && g[j] == 0) {
          j++;
        }
        if (j - i > bestLen && j - i >= 2) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
