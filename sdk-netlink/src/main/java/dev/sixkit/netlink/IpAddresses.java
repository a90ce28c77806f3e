package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Parses address literals without ever touching DNS, and formats them the way iproute2 does
 * (RFC 5952 compressed IPv6). Thread-safe; no state.
 */
public final class IpAddresses {
  private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+");

  private IpAddresses() {}

  /** Parses an IPv4 or IPv6 literal (no host names, no zone); a bad one fails with EINVAL naming it. */
  public static InetAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new NetlinkException(Errno.EINVAL, "parse address", String.valueOf(text), "an address is required");
    }
    String t = text.trim();
    boolean ok = V4.matcher(t).matches() ? validV4(t) : (t.contains(":") && V6.matcher(t).matches());
    if (!ok) {
      throw new NetlinkException(Errno.EINVAL, "parse address", t, "'" + t + "' is not an IPv4 or IPv6 address");
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      throw new NetlinkException(Errno.EINVAL, "parse address", t, "'" + t + "' is not an IPv4 or IPv6 address");
    }
  }

  private static boolean validV4(String t) {
    for (String part : t.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Parses an IPv6 literal; an IPv4 address fails with EAFNOSUPPORT and a message that says so. */
  public static Inet6Address parseV6(String text, String what) {
    InetAddress a = parse(text);
    if (a instanceof Inet6Address v6) {
      return v6;
    }
    throw new NetlinkException(Errno.EAFNOSUPPORT, what, text,
        "'" + text + "' is an IPv4 address; an IPv6 address is required here");
  }

  /** 4 for IPv4, 6 for IPv6. */
  public static int version(InetAddress a) {
    return a instanceof Inet4Address ? 4 : 6;
  }

  /** AF_INET (2) or AF_INET6 (10). */
  public static int family(InetAddress a) {
    return a instanceof Inet4Address ? 2 : 10;
  }

  /** RFC 5952 text: lower case, longest zero run compressed, as {@code ip} prints it. */
  public static String format(InetAddress a) {
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // IPv4-mapped addresses print as ::ffff:a.b.c.d
    if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
      return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
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
