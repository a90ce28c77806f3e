package dev.sixkit.netlink;

/**
 * Protocol numbers of routes (rtm_protocol) and neighbour entries (NDA_PROTOCOL): who made an
 * entry. The kernel keeps the number and reports it back, so a program can recognise its own
 * entries by reading the kernel alone. Names as iproute2 prints them (/usr/share/iproute2/rt_protos).
 *
 * <p>Constants only; thread-safe.
 */
public final class Protocols {
  public static final int UNSPEC = 0;
  public static final int REDIRECT = 1;
  public static final int KERNEL = 2;
  public static final int BOOT = 3;
  public static final int STATIC = 4;
  public static final int GATED = 8;
  public static final int RA = 9;
  public static final int MRT = 10;
  public static final int ZEBRA = 11;
  public static final int BIRD = 12;
  public static final int DNROUTED = 13;
  public static final int XORP = 14;
  public static final int NTK = 15;
  public static final int DHCP = 16;
  public static final int KEEPALIVED = 18;
  public static final int BABEL = 42;
  public static final int OPENR = 99;
  public static final int BGP = 186;
  public static final int ISIS = 187;
  public static final int OSPF = 188;
  public static final int RIP = 189;
  public static final int EIGRP = 192;

  /**
   * Sixkit's own mark (0xAB = 171, unused by iproute2's table): every proxy entry and route
   * Sixkit makes carries it, so apply, undo, sync and doctor read ownership from the kernel.
   */
  public static final int SIXKIT = 0xAB;

  private Protocols() {}

  /** The name ip prints for a protocol number ("kernel", "boot", "openr"...), "sixkit", or the number. */
  public static String name(int protocol) {
    return switch (protocol) {
      case UNSPEC -> "unspec";
      case REDIRECT -> "redirect";
      case KERNEL -> "kernel";
      case BOOT -> "boot";
      case STATIC -> "static";
      case GATED -> "gated";
      case RA -> "ra";
      case MRT -> "mrt";
      case ZEBRA -> "zebra";
      case BIRD -> "bird";
      case DNROUTED -> "dnrouted";
      case XORP -> "xorp";
      case NTK -> "ntk";
      case DHCP -> "dhcp";
      case KEEPALIVED -> "keepalived";
      case BABEL -> "babel";
      case OPENR -> "openr";
      case BGP -> "bgp";
      case ISIS -> "isis";
      case OSPF -> "ospf";
      case RIP -> "rip";
      case EIGRP -> "eigrp";
      case SIXKIT -> "sixkit";
      default -> Integer.toString(protocol);
    };
  }

  /** Fails unless {@code protocol} fits the kernel's u8 field. */
  static int check(int protocol, String op, String object) {
    if (protocol < 0 || protocol > 255) {
      throw new NetlinkException(dev.sixkit.netlink.internal.Errno.EINVAL, op, object,
          "protocol " + protocol + " is not 0 to 255");
    }
    return protocol;
  }
}
