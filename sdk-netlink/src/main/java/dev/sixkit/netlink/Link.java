package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Attributes;
import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A network interface as the kernel reports it (RTM_NEWLINK), with what {@code ip -json -d link
 * show} prints about it.
 *
 * @param index interface index
 * @param name interface name
 * @param kind link kind from IFLA_LINKINFO ("veth", "bridge"...), or empty for none
 * @param flags IFF_* flags (IFF_UP is 0x1); {@link #flagNames()} spells them as ip does
 * @param mtu MTU
 * @param mac hardware address as "aa:bb:cc:dd:ee:ff", or empty
 * @param masterIndex index of the master (bridge) or 0
 * @param linkIndex IFLA_LINK (a veth's peer index, possibly in another namespace) or 0
 * @param operState operational state name as ip prints it ("UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN"...)
 * @param linkNetnsId IFLA_LINK_NETNSID: the id, as seen from this namespace, of the namespace
 *     {@code linkIndex} lives in (a veth whose peer is elsewhere), or -1 when it is this one
 * @param slaveKind the master's kind when enslaved (IFLA_INFO_SLAVE_KIND, "bridge"), or empty
 * @param txQueueLen transmit queue length (ip's "txqlen")
 * @param group interface group (0 is ip's "default")
 * @param alias IFLA_IFALIAS (ip's "ifalias"), or empty
 * @param qdisc the root queueing discipline's name ("noop", "noqueue"...), or empty
 * @param linkType the hardware type as ip names it ("ether", "loopback", "none"; "[N]" for others)
 * @param broadcast broadcast hardware address, or empty
 * @param linkMode "DEFAULT" or "DORMANT" (ip's "linkmode")
 * @param minMtu smallest MTU the device takes, or 0 when the kernel does not say
 * @param maxMtu largest MTU the device takes, or 0 when the kernel does not say
 * @param promiscuity promiscuous-mode reference count
 * @param numTxQueues number of transmit queues
 * @param numRxQueues number of receive queues
 * @param altNames alternative names (IFLA_PROP_LIST), in kernel order
 *
 * <p>Immutable record; thread-safe.
 */
public record Link(int index, String name, String kind, int flags, int mtu, String mac, int masterIndex,
    int linkIndex, String operState, int linkNetnsId, String slaveKind, int txQueueLen, int group, String alias,
    String qdisc, String linkType, String broadcast, String linkMode, int minMtu, int maxMtu, int promiscuity,
    int numTxQueues, int numRxQueues, List<String> altNames) {
  public static final int IFF_UP = 0x1;
  public static final int IFF_BROADCAST = 0x2;
  public static final int IFF_DEBUG = 0x4;
  public static final int IFF_LOOPBACK = 0x8;
  public static final int IFF_POINTOPOINT = 0x10;
  public static final int IFF_NOTRAILERS = 0x20;
  public static final int IFF_RUNNING = 0x40;
  public static final int IFF_NOARP = 0x80;
  public static final int IFF_PROMISC = 0x100;
  public static final int IFF_ALLMULTI = 0x200;
  public static final int IFF_MASTER = 0x400;
  public static final int IFF_SLAVE = 0x800;
  public static final int IFF_MULTICAST = 0x1000;
  public static final int IFF_PORTSEL = 0x2000;
  public static final int IFF_AUTOMEDIA = 0x4000;
  public static final int IFF_DYNAMIC = 0x8000;
  public static final int IFF_LOWER_UP = 0x10000;
  public static final int IFF_DORMANT = 0x20000;
  public static final int IFF_ECHO = 0x40000;

  public Link {
    name = name == null ? "" : name;
    kind = kind == null ? "" : kind;
    mac = mac == null ? "" : mac;
    operState = operState == null ? "UNKNOWN" : operState;
    slaveKind = slaveKind == null ? "" : slaveKind;
    alias = alias == null ? "" : alias;
    qdisc = qdisc == null ? "" : qdisc;
    linkType = linkType == null ? "" : linkType;
    broadcast = broadcast == null ? "" : broadcast;
    linkMode = linkMode == null ? "DEFAULT" : linkMode;
    altNames = altNames == null ? List.of() : List.copyOf(altNames);
  }

  /** The first nine components only (the shape this record had at first); the rest are neutral. */
  public Link(int index, String name, String kind, int flags, int mtu, String mac, int masterIndex, int linkIndex,
      String operState) {
    this(index, name, kind, flags, mtu, mac, masterIndex, linkIndex, operState, -1, "", 0, 0, "", "", "", "",
        "DEFAULT", 0, 0, 0, 0, 0, List.of());
  }

  /** Whether the administrative state is up (IFF_UP). */
  public boolean isUp() {
    return (flags & IFF_UP) != 0;
  }

  /** Whether the driver signals carrier (IFF_LOWER_UP). */
  public boolean isLowerUp() {
    return (flags & IFF_LOWER_UP) != 0;
  }

  /** Whether the link has a master (is a bridge port, for instance). */
  public boolean hasMaster() {
    return masterIndex != 0;
  }

  /** Whether {@link #linkIndex()} names an interface in another namespace. */
  public boolean linkIsInOtherNetns() {
    return linkNetnsId >= 0;
  }

  // ip's print order (iproute2 print_link_flags); IFF_RUNNING is never printed.
  private static final int[] FLAG_BITS = {IFF_LOOPBACK, IFF_BROADCAST, IFF_POINTOPOINT, IFF_MULTICAST, IFF_NOARP,
      IFF_ALLMULTI, IFF_PROMISC, IFF_MASTER, IFF_SLAVE, IFF_DEBUG, IFF_DYNAMIC, IFF_AUTOMEDIA, IFF_PORTSEL,
      IFF_NOTRAILERS, IFF_UP, IFF_LOWER_UP, IFF_DORMANT, IFF_ECHO};
  private static final String[] FLAG_NAMES = {"LOOPBACK", "BROADCAST", "POINTOPOINT", "MULTICAST", "NOARP",
      "ALLMULTI", "PROMISC", "MASTER", "SLAVE", "DEBUG", "DYNAMIC", "AUTOMEDIA", "PORTSEL", "NOTRAILERS", "UP",
      "LOWER_UP", "DORMANT", "ECHO"};

  /**
   * The flags as {@code ip link} prints them, in its order: "NO-CARRIER" first when up without
   * IFF_RUNNING, then the IFF_* names, then left-over bits in hex. (ip's "M-DOWN", which says the
   * peer is down, depends on another link and is not included.)
   */
  public List<String> flagNames() {
    return flagNames(flags);
  }

  static List<String> flagNames(int flags) {
    List<String> out = new ArrayList<>();
    if ((flags & IFF_UP) != 0 && (flags & IFF_RUNNING) == 0) {
      out.add("NO-CARRIER");
    }
    int rest = flags & ~IFF_RUNNING;
    for (int i = 0; i < FLAG_BITS.length; i++) {
      if ((rest & FLAG_BITS[i]) != 0) {
        out.add(FLAG_NAMES[i]);
        rest &= ~FLAG_BITS[i];
      }
    }
    if (rest != 0) {
      out.add(Integer.toHexString(rest));
    }
    return out;
  }

  /** Like the first line of {@code ip -d link}: "4: v0@v1 &lt;BROADCAST,UP&gt; mtu 1500 master 2 state UP ...". */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(index).append(": ").append(name);
    if (linkIndex != 0) {
      sb.append("@if").append(linkIndex);
    }
    sb.append(" <").append(String.join(",", flagNames())).append("> mtu ").append(mtu);
    if (masterIndex != 0) {
      sb.append(" master ").append(masterIndex);
    }
    sb.append(" state ").append(operState);
    sb.append(" link/").append(linkType.isEmpty() ? "?" : linkType);
    if (!mac.isEmpty()) {
      sb.append(' ').append(mac);
    }
    if (linkNetnsId >= 0) {
      sb.append(" link-netnsid ").append(linkNetnsId);
    }
    if (!kind.isEmpty()) {
      sb.append(' ').append(kind);
    }
    if (!slaveKind.isEmpty()) {
      sb.append(' ').append(slaveKind).append("_slave");
    }
    if (!alias.isEmpty()) {
      sb.append(" alias ").append(alias);
    }
    return sb.toString();
  }

  private static final String[] OPER = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};
  private static final String[] MODES = {"DEFAULT", "DORMANT", "TESTING"};
  // iproute2 lib/ll_types.c, the types one meets on a host.
  private static final Map<Integer, String> TYPES = Map.ofEntries(Map.entry(0, "netrom"), Map.entry(1, "ether"),
      Map.entry(6, "ieee802"), Map.entry(32, "infiniband"), Map.entry(280, "can"), Map.entry(512, "ppp"),
      Map.entry(768, "ipip"), Map.entry(769, "tunnel6"), Map.entry(772, "loopback"), Map.entry(776, "sit"),
      Map.entry(778, "gre"), Map.entry(801, "ieee802.11"), Map.entry(803, "ieee802.11/radiotap"),
      Map.entry(823, "gre6"), Map.entry(824, "netlink"), Map.entry(825, "6lowpan"), Map.entry(65534, "none"),
      Map.entry(65535, "void"));

  static String linkTypeName(int type) {
    String n = TYPES.get(type);
    return n != null ? n : "[" + type + "]";
  }

  /**
   * Decodes an RTM_NEWLINK (or RTM_DELLINK) message. Malformed input fails with a
   * {@link NetlinkException} (EBADMSG) and nothing else.
   */
  static Link decode(Message m) {
    m.requireBody(Links.IFINFOMSG);
    ByteBuffer b = m.buf();
    int type = b.getShort(m.body() + 2) & 0xffff;
    int index = b.getInt(m.body() + 4);
    int flags = b.getInt(m.body() + 8);
    Attributes a = m.attributes(Links.IFINFOMSG);
    String name = a.string(Links.IFLA_IFNAME);
    if (name == null) {
      throw new NetlinkException(Errno.EBADMSG, "parse netlink message", "link index " + index,
          "malformed message: RTM_NEWLINK without IFLA_IFNAME");
    }
    String kind = "";
    String slaveKind = "";
    Attributes info = a.nested(Links.IFLA_LINKINFO);
    if (info != null) {
      kind = orEmpty(info.string(Links.IFLA_INFO_KIND));
      slaveKind = orEmpty(info.string(Links.IFLA_INFO_SLAVE_KIND));
    }
    List<String> alt = new ArrayList<>();
    if (a.has(Links.IFLA_PROP_LIST)) {
      int from = a.offset(Links.IFLA_PROP_LIST);
      Attributes.forEach(b, from, from + a.length(Links.IFLA_PROP_LIST), (t, off, len) -> {
        if (t == Links.IFLA_ALT_IFNAME) {
          alt.add(string(b, off, len));
        }
      });
    }
    int op = a.u8(Links.IFLA_OPERSTATE, 0);
    int mode = a.u8(Links.IFLA_LINKMODE, 0);
    return new Link(index, name, kind, flags, a.u32(Links.IFLA_MTU, 0), formatMac(a.bytes(Links.IFLA_ADDRESS)),
        a.u32(Links.IFLA_MASTER, 0), a.u32(Links.IFLA_LINK, 0), op < OPER.length ? OPER[op] : "UNKNOWN",
        a.u32(Links.IFLA_LINK_NETNSID, -1), slaveKind, a.u32(Links.IFLA_TXQLEN, 0), a.u32(Links.IFLA_GROUP, 0),
        orEmpty(a.string(Links.IFLA_IFALIAS)), orEmpty(a.string(Links.IFLA_QDISC)), linkTypeName(type),
        formatMac(a.bytes(Links.IFLA_BROADCAST)), mode < MODES.length ? MODES[mode] : "MODE" + mode,
        a.u32(Links.IFLA_MIN_MTU, 0), a.u32(Links.IFLA_MAX_MTU, 0), a.u32(Links.IFLA_PROMISCUITY, 0),
        a.u32(Links.IFLA_NUM_TX_QUEUES, 0), a.u32(Links.IFLA_NUM_RX_QUEUES, 0), alt);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String string(ByteBuffer b, int off, int len) {
    int n = 0;
    while (n < len && b.get(off + n) != 0) {
      n++;
    }
    byte[] raw = new byte[n];
    b.get(off, raw);
    return new String(raw, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String formatMac(byte[] raw) {
    if (raw == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(raw.length * 3);
    for (byte x : raw) {
      if (sb.length() > 0) {
        sb.append(':');
      }
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }
}
