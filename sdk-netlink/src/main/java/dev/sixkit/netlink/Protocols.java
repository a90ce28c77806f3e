package dev.sixkit.netlink;

/**
 * Protocol numbers of routes (rtm_protocol) and neighbour entries (NDA_PROTOCOL): who made an
 * entry. The kernel keeps the number and reports it back, so a program can recognise its own
 * entries by reading the kernel alone. Names as iproute2 prints them (/usr/share/iproute2/rt_protos).
 *
 * <p>Constants only; thread-safe.
 */
public final class Protocols {
  /** Unknown protocol. */
  public static final int UNSPEC = 0;
  /** Made by an ICMP redirect. */
  public static final int REDIRECT = 1;
  /** Made by the kernel (prefix routes, for instance). */
  public static final int KERNEL = 2;
  /** Made at boot or by hand; ip's default. */
  public static final int BOOT = 3;
  /** Made by the administrator, meant to stay. */
  public static final int STATIC = 4;
  /** GateD. */
  public static final int GATED = 8;
  /** Learned from a router advertisement. */
  public static final int RA = 9;
  /** Merit MRT. */
  public static final int MRT = 10;
  /** Zebra (Quagga, FRR). */
  public static final int ZEBRA = 11;
  /** BIRD. */
  public static final int BIRD = 12;
  /** DECnet routing daemon. */
  public static final int DNROUTED = 13;
  /** XORP. */
  public static final int XORP = 14;
  /** Netsukuku. */
  public static final int NTK = 15;
  /** DHCP client. */
  public static final int DHCP = 16;
  /** Keepalived. */
  public static final int KEEPALIVED = 18;
  /** Babel. */
  public static final int BABEL = 42;
  /** Open/R. */
  public static final int OPENR = 99;
  /** BGP (FRR). */
  public static final int BGP = 186;
  /** IS-IS (FRR). */
  public static final int ISIS = 187;
  /** OSPF (FRR). */
  public static final int OSPF = 188;
  /** RIP (FRR). */
  public static final int RIP = 189;
  /** EIGRP (FRR). */
  public static final int EIGRP = 192;

  /**
   * Sixkit's own mark (0xAB = 171, unused by iproute2's table): every proxy entry and route
   * Sixkit makes carries it, so apply, undo, sync and doctor read ownership from the kernel.
   */
  public static final int SIXKIT = 0xAB;

  private Protocols() {}

  /**
   * The name ip prints for a protocol number ("kernel", "boot", "openr"...), "sixkit", or the number.
   *
   * @param protocol 0 to 255
   * @return the name, or the number as text
   */
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
