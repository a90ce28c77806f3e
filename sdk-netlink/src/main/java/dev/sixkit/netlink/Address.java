package dev.sixkit.netlink;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An interface address as the kernel reports it (RTM_NEWADDR).
 *
 * <p>Immutable record; thread-safe.
 *
 * @param ifindex interface index
 * @param device interface name, or empty when unknown
 * @param prefix the local address with its prefix length, such as {@code 2001:db8::1/64} (host
 *     bits kept, as {@code ip addr} prints it)
 * @param scope RT_SCOPE_* ({@link #SCOPE_UNIVERSE} is "global", {@link #SCOPE_LINK} "link"...)
 * @param flags IFA_F_* flags (the 32-bit IFA_FLAGS when the kernel sends it)
 * @param label the IPv4 label (such as "eth0" or "eth0:web"); empty for IPv6
 * @param validLifetime seconds left, or {@link #FOREVER}
 * @param preferredLifetime seconds left, or {@link #FOREVER}
 */
public record Address(int ifindex, String device, IpPrefix prefix, int scope, int flags, String label,
    long validLifetime, long preferredLifetime) {
  /** The kernel's INFINITY_LIFE_TIME: the address never expires. */
  public static final long FOREVER = 0xffffffffL;

  /** IFA_F_SECONDARY: a secondary IPv4 address of its subnet (for IPv6 the same bit means temporary). */
  public static final int IFA_F_SECONDARY = 0x01;
  /** IFA_F_TEMPORARY: an IPv6 privacy (temporary) address; the same bit as {@link #IFA_F_SECONDARY}. */
  public static final int IFA_F_TEMPORARY = IFA_F_SECONDARY;
  /** IFA_F_NODAD: duplicate address detection is skipped. */
  public static final int IFA_F_NODAD = 0x02;
  /** IFA_F_OPTIMISTIC: usable during DAD (optimistic DAD, RFC 4429). */
  public static final int IFA_F_OPTIMISTIC = 0x04;
  /** IFA_F_DADFAILED: DAD found the address in use elsewhere. */
  public static final int IFA_F_DADFAILED = 0x08;
  /** IFA_F_HOMEADDRESS: a Mobile IPv6 home address. */
  public static final int IFA_F_HOMEADDRESS = 0x10;
  /** IFA_F_DEPRECATED: the preferred lifetime is over; kept for existing connections only. */
  public static final int IFA_F_DEPRECATED = 0x20;
  /** IFA_F_TENTATIVE: DAD is still running; the address is not usable yet. */
  public static final int IFA_F_TENTATIVE = 0x40;
  /** IFA_F_PERMANENT: configured with no lifetime (not learned from a router advertisement). */
  public static final int IFA_F_PERMANENT = 0x80;
  /** IFA_F_MANAGETEMPADDR: the kernel makes temporary addresses from this prefix. */
  public static final int IFA_F_MANAGETEMPADDR = 0x100;
  /** IFA_F_NOPREFIXROUTE: no prefix route is added for the address. */
  public static final int IFA_F_NOPREFIXROUTE = 0x200;
  /** IFA_F_MCAUTOJOIN: the kernel joins the multicast group of this address. */
  public static final int IFA_F_MCAUTOJOIN = 0x400;
  /** IFA_F_STABLE_PRIVACY: made by the stable-privacy method (RFC 7217). */
  public static final int IFA_F_STABLE_PRIVACY = 0x800;

  /** RT_SCOPE_UNIVERSE: a global address (ip's "global"). */
  public static final int SCOPE_UNIVERSE = 0;
  /** RT_SCOPE_SITE: a site-local address. */
  public static final int SCOPE_SITE = 200;
  /** RT_SCOPE_LINK: valid on its link only, such as fe80::/10. */
  public static final int SCOPE_LINK = 253;
  /** RT_SCOPE_HOST: valid inside the host only, such as ::1. */
  public static final int SCOPE_HOST = 254;
  /** RT_SCOPE_NOWHERE: a destination that does not exist. */
  public static final int SCOPE_NOWHERE = 255;

  /**
   * Normalises a null {@code device} or {@code label} to the empty string.
   *
   * @param ifindex as {@link #ifindex()}
   * @param device as {@link #device()}
   * @param prefix as {@link #prefix()}
   * @param scope as {@link #scope()}
   * @param flags as {@link #flags()}
   * @param label as {@link #label()}
   * @param validLifetime as {@link #validLifetime()}
   * @param preferredLifetime as {@link #preferredLifetime()}
   */
  public Address {
    device = device == null ? "" : device;
    label = label == null ? "" : label;
  }

  /**
   * The address itself, without the prefix length.
   *
   * @return the address of {@link #prefix()}
   */
  public InetAddress address() {
    return prefix.address();
  }

  /**
   * Whether this is an IPv6 address.
   *
   * @return true for IPv6
   */
  public boolean isV6() {
    return prefix.address() instanceof Inet6Address;
  }

  /**
   * Whether this is an IPv4 address.
   *
   * @return true for IPv4
   */
  public boolean isV4() {
    return !isV6();
  }

  /**
   * Duplicate address detection was switched off for it (IFA_F_NODAD).
   *
   * @return whether IFA_F_NODAD is set
   */
  public boolean isNodad() {
    return (flags & IFA_F_NODAD) != 0;
  }

  /**
   * DAD has not finished yet: the address cannot be used (IFA_F_TENTATIVE).
   *
   * @return whether IFA_F_TENTATIVE is set
   */
  public boolean isTentative() {
    return (flags & IFA_F_TENTATIVE) != 0;
  }

  /**
   * DAD found another host with this address (IFA_F_DADFAILED).
   *
   * @return whether IFA_F_DADFAILED is set
   */
  public boolean isDadFailed() {
    return (flags & IFA_F_DADFAILED) != 0;
  }

  /**
   * The preferred lifetime is over (IFA_F_DEPRECATED): kept for existing connections, not chosen as a source.
   *
   * @return whether IFA_F_DEPRECATED is set
   */
  public boolean isDeprecated() {
    return (flags & IFA_F_DEPRECATED) != 0;
  }

  /**
   * Set for addresses configured with no lifetime (ip shows the others as "dynamic").
   *
   * @return whether IFA_F_PERMANENT is set
   */
  public boolean isPermanent() {
    return (flags & IFA_F_PERMANENT) != 0;
  }

  /**
   * A secondary IPv4 address, or a temporary IPv6 one (IFA_F_SECONDARY, the same bit).
   *
   * @return whether IFA_F_SECONDARY is set
   */
  public boolean isSecondary() {
    return (flags & IFA_F_SECONDARY) != 0;
  }

  /**
   * The kernel adds no prefix route for it (IFA_F_NOPREFIXROUTE).
   *
   * @return whether IFA_F_NOPREFIXROUTE is set
   */
  public boolean isNoPrefixRoute() {
    return (flags & IFA_F_NOPREFIXROUTE) != 0;
  }

  /**
   * The scope as ip names it: global, site, link, host, nowhere, or the number.
   *
   * @return the scope's name
   */
  public String scopeName() {
    return scopeName(scope);
  }

  static String scopeName(int scope) {
    return switch (scope) {
      case SCOPE_UNIVERSE -> "global";
      case SCOPE_SITE -> "site";
      case SCOPE_LINK -> "link";
      case SCOPE_HOST -> "host";
      case SCOPE_NOWHERE -> "nowhere";
      default -> Integer.toString(scope);
    };
  }

  /**
   * The flag words ip prints for these flags, in ip's order ("dynamic" when not permanent).
   *
   * @return the flag words separated by single spaces; empty when none applies
   */
  public String flagNames() {
    StringBuilder sb = new StringBuilder();
    int f = flags;
    if ((f & IFA_F_SECONDARY) != 0) {
      sb.append(isV6() ? "temporary " : "secondary ");
    }
    String[] names = {null, "nodad", "optimistic", "dadfailed", "home", "deprecated", "tentative", null,
        "mngtmpaddr", "noprefixroute", "autojoin", "stable-privacy"};
    for (int bit = 1; bit < names.length; bit++) {
      if (names[bit] != null && (f & (1 << bit)) != 0) {
        sb.append(names[bit]).append(' ');
      }
    }
    if ((f & IFA_F_PERMANENT) == 0) {
      sb.append("dynamic ");
    }
    return sb.toString().trim();
  }

  /**
   * Like one {@code ip -o addr} line: "eth0 inet6 2001:db8::1/64 scope global nodad", with
   * lifetimes when they are not forever and the label when it differs from the device.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (!device.isEmpty()) {
      sb.append(device).append(' ');
    } else {
      sb.append("if").append(Integer.toUnsignedString(ifindex)).append(' ');
    }
    sb.append(isV6() ? "inet6 " : "inet ").append(prefix).append(" scope ").append(scopeName());
    String f = flagNames();
    if (!f.isEmpty()) {
      sb.append(' ').append(f);
    }
    if (!label.isEmpty() && !label.equals(device)) {
      sb.append(' ').append(label);
    }
    if (validLifetime != FOREVER || preferredLifetime != FOREVER) {
      sb.append(" valid_lft ").append(lifetime(validLifetime)).append(" preferred_lft ")
          .append(lifetime(preferredLifetime));
    }
    return sb.toString();
  }

  private static String lifetime(long seconds) {
    return seconds == FOREVER ? "forever" : seconds + "sec";
  }

}
