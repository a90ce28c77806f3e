package dev.sixkit.plan;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * IPv6 prefix arithmetic over the ipaddress library: parse, split, contain, overlap. Strings are
 * accepted at the edges; values are ipaddress's immutable {@link IPv6Address} prefix blocks.
 *
 * <p>Thread-safe; no state.
 */
public final class Prefixes {
  /** Splits into at most this many parts in one call: a plan never needs more, and lists stay small. */
  public static final int MAX_PARTS = 65536;

  private Prefixes() {}

  /**
   * Parses an IPv6 prefix such as {@code 2001:db8:ab11::/64} into its prefix block.
   *
   * @param text the prefix
   * @return the prefix block (host bits cleared)
   * @throws PlanException when the text is no IPv6 prefix
   */
  public static IPv6Address prefix(String text) {
    IPv6Address a = parse(text, "prefix");
    if (!a.isPrefixed()) {
      throw new PlanException("'" + text + "' has no prefix length; write it as ADDRESS/LENGTH");
    }
    return a.toPrefixBlock();
  }

  /**
   * Parses an IPv6 address (no prefix length).
   *
   * @param text the address
   * @return the address
   * @throws PlanException when the text is no IPv6 address
   */
  public static IPv6Address address(String text) {
    IPv6Address a = parse(text, "address");
    if (a.isPrefixed()) {
      a = a.withoutPrefixLength();
    }
    return a;
  }

  private static IPv6Address parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new PlanException("an IPv6 " + what + " is required");
    }
    IPAddress a;
    try {
      a = new IPAddressString(text.trim()).toAddress();
    } catch (AddressStringException e) {
      throw new PlanException("'" + text + "' is not a valid IPv6 " + what + ": " + e.getMessage());
    }
    if (a == null) {
      throw new PlanException("'" + text + "' is not a valid IPv6 " + what);
    }
    if (!a.isIPv6()) {
      throw new PlanException("'" + text + "' is an IPv4 " + what + "; an IPv6 " + what + " is required");
    }
    return a.toIPv6();
  }

  /**
   * Splits a prefix into equal parts of {@code length}, in address order: 2001:db8:ab11::/64 into
   * /66 gives ::/66, 0:0:4000::/66, 0:0:8000::/66, 0:0:c000::/66.
   *
   * @param prefix the prefix
   * @param length the parts' length, at least the prefix's
   * @return the parts, in address order
   */
  public static List<IPv6Address> split(IPv6Address prefix, int length) {
    int from = prefix.getPrefixLength();
    if (length <= from) {
      throw new PlanException("cannot split " + text(prefix) + " into /" + length + " parts: the parts must be longer than /" + from);
    }
    if (length > 128) {
      throw new PlanException("cannot split " + text(prefix) + " into /" + length + " parts: an IPv6 prefix is at most /128");
    }
    if (length - from > 16) {
      throw new PlanException("splitting " + text(prefix) + " into /" + length + " parts gives 2^" + (length - from)
          + " parts, more than the " + MAX_PARTS + " a plan may list");
    }
    BigInteger base = prefix.toPrefixBlock().getValue();
    BigInteger step = BigInteger.ONE.shiftLeft(128 - length);
    int count = 1 << (length - from);
    List<IPv6Address> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      BigInteger v = base.add(step.multiply(BigInteger.valueOf(i)));
      out.add(new IPv6Address(v, length).toPrefixBlock());
    }
    return out;
  }

  /**
   * {@link #split(IPv6Address, int)} from text.
   *
   * @param prefix the prefix as text
   * @param length the parts' length
   * @return the parts, in address order
   */
  public static List<IPv6Address> split(String prefix, int length) {
    return split(prefix(prefix), length);
  }

  /**
   * Whether two prefixes share any address.
   *
   * @param a a prefix
   * @param b another prefix
   * @return true when they overlap
   */
  public static boolean overlap(IPv6Address a, IPv6Address b) {
    return a.toPrefixBlock().contains(b.toPrefixBlock()) || b.toPrefixBlock().contains(a.toPrefixBlock());
  }

  /**
   * Whether {@code prefix} contains {@code address}.
   *
   * @param prefix the prefix
   * @param address the address
   * @return true when it is inside
   */
  public static boolean contains(IPv6Address prefix, IPv6Address address) {
    return prefix.toPrefixBlock().contains(address.withoutPrefixLength());
  }

  /**
   * The on-link /64 (or other length) that holds an address.
   *
   * @param address the address
   * @param length the prefix length
   * @return the prefix block
   */
  public static IPv6Address network(IPv6Address address, int length) {
    return address.withoutPrefixLength().setPrefixLength(length, false).toPrefixBlock();
  }

  /**
   * Compressed text with the length, as ip prints it: 2001:db8:ab11:0:8000::/66.
   *
   * @param prefix the prefix
   * @return the text
   */
  public static String text(IPv6Address prefix) {
    return prefix.isPrefixed() ? prefix.toPrefixBlock().toCanonicalString() : prefix.toCanonicalString();
  }
}
