package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address with a prefix length, such as {@code 2001:db8::1/64}. The address part is kept as
 * given (an interface address keeps its host bits); {@link #network()} clears them.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param address the address, host bits kept as given
 * @param length the prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record IpPrefix(InetAddress address, int length) {
  /**
   * Checks the prefix length against the address family.
   *
   * @param address as {@link #address()}
   * @param length as {@link #length()}
   * @throws NetlinkException EINVAL when {@code length} is negative or longer than the address
   */
  public IpPrefix {
    int max = address instanceof Inet4Address ? 32 : 128;
    if (length < 0 || length > max) {
      throw new NetlinkException(Errno.EINVAL, "parse prefix", IpAddresses.format(address) + "/" + length,
          "prefix length " + length + " is out of range: it must be 0 to " + max + " for "
              + (max == 32 ? "IPv4" : "IPv6"));
    }
  }

  /**
   * Parses {@code ADDR/LEN}, or a bare address as a host prefix (/128 or /32).
   *
   * @param text such as {@code 2001:db8::/64} or {@code 2001:db8::1}
   * @return the prefix, host bits kept
   * @throws NetlinkException EINVAL for a bad literal or length
   */
  public static IpPrefix parse(String text) {
    if (text == null) {
      throw new NetlinkException(Errno.EINVAL, "parse prefix", "null", "a prefix is required");
    }
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash < 0) {
      InetAddress a = IpAddresses.parse(t);
      return new IpPrefix(a, a instanceof Inet4Address ? 32 : 128);
    }
    InetAddress a = IpAddresses.parse(t.substring(0, slash));
    String len = t.substring(slash + 1);
    // ip reads "/064" as octal (52): a leading zero is refused rather than guessed
    if (!len.matches("0|[1-9]\\d{0,3}")) {
      throw new NetlinkException(Errno.EINVAL, "parse prefix", t, "'" + len + "' is not a prefix length");
    }
    return new IpPrefix(a, Integer.parseInt(len));
  }

  /**
   * Parses an IPv6 prefix; IPv4 fails with EAFNOSUPPORT.
   *
   * @param text such as {@code 2001:db8::/64}
   * @param what what the prefix is, for the error message
   * @return the prefix
   * @throws NetlinkException EINVAL for a bad literal or length, EAFNOSUPPORT for IPv4
   */
  public static IpPrefix parseV6(String text, String what) {
    IpPrefix p = parse(text);
    if (p.isV4()) {
      throw new NetlinkException(Errno.EAFNOSUPPORT, what, text,
          "'" + text + "' is an IPv4 prefix; an IPv6 prefix is required here");
    }
    return p;
  }

  /**
   * Whether this is an IPv4 prefix.
   *
   * @return true for IPv4
   */
  public boolean isV4() {
    return address instanceof Inet4Address;
  }

  /**
   * AF_INET or AF_INET6.
   *
   * @return 2 or 10
   */
  public int family() {
    return IpAddresses.family(address);
  }

  /**
   * The prefix with host bits cleared, such as 2001:db8::/64 for 2001:db8::1/64.
   *
   * @return the network prefix, the same length
   */
  public IpPrefix network() {
    byte[] b = address.getAddress();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, length - i * 8));
      b[i] &= (byte) (0xff << (8 - keep));
    }
    return new IpPrefix(IpAddresses.of(b), length);
  }

  /**
   * Whether {@code a} lies inside this prefix.
   *
   * @param a the address; another family is never inside
   * @return true when the first {@code length} bits match
   */
  public boolean contains(InetAddress a) {
    byte[] p = address.getAddress();
    byte[] x = a.getAddress();
    if (p.length != x.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      int keep = Math.max(0, Math.min(8, length - i * 8));
      int mask = (0xff << (8 - keep)) & 0xff;
      if ((p[i] & mask) != (x[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return IpAddresses.format(address) + "/" + length;
  }
}
