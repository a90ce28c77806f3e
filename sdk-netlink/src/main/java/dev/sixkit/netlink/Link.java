package dev.sixkit.netlink;

import java.util.ArrayList;
import java.util.List;

/**
 * A network interface as the kernel reports it (RTM_NEWLINK), with what {@code ip -json -d link
 * show} prints about it.
 *
 * <p>Immutable record; thread-safe.
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
 */
public record Link(int index, String name, String kind, int flags, int mtu, String mac, int masterIndex,
    int linkIndex, String operState, int linkNetnsId, String slaveKind, int txQueueLen, int group, String alias,
    String qdisc, String linkType, String broadcast, String linkMode, int minMtu, int maxMtu, int promiscuity,
    int numTxQueues, int numRxQueues, List<String> altNames) {
  /** IFF_UP: administratively up. */
  public static final int IFF_UP = 0x1;
  /** IFF_BROADCAST: the broadcast address is valid. */
  public static final int IFF_BROADCAST = 0x2;
  /** IFF_DEBUG: driver debugging on. */
  public static final int IFF_DEBUG = 0x4;
  /** IFF_LOOPBACK: a loopback device. */
  public static final int IFF_LOOPBACK = 0x8;
  /** IFF_POINTOPOINT: a point-to-point link. */
  public static final int IFF_POINTOPOINT = 0x10;
  /** IFF_NOTRAILERS: no trailers (obsolete). */
  public static final int IFF_NOTRAILERS = 0x20;
  /** IFF_RUNNING: operationally up (RFC 2863 "up"). */
  public static final int IFF_RUNNING = 0x40;
  /** IFF_NOARP: no ARP or NDP on the link. */
  public static final int IFF_NOARP = 0x80;
  /** IFF_PROMISC: receives every packet. */
  public static final int IFF_PROMISC = 0x100;
  /** IFF_ALLMULTI: receives every multicast packet. */
  public static final int IFF_ALLMULTI = 0x200;
  /** IFF_MASTER: the master of a load balancer (obsolete). */
  public static final int IFF_MASTER = 0x400;
  /** IFF_SLAVE: a slave of a load balancer (obsolete). */
  public static final int IFF_SLAVE = 0x800;
  /** IFF_MULTICAST: supports multicast. */
  public static final int IFF_MULTICAST = 0x1000;
  /** IFF_PORTSEL: the media type can be chosen. */
  public static final int IFF_PORTSEL = 0x2000;
  /** IFF_AUTOMEDIA: the media type is chosen automatically. */
  public static final int IFF_AUTOMEDIA = 0x4000;
  /** IFF_DYNAMIC: addresses are lost when the device goes down. */
  public static final int IFF_DYNAMIC = 0x8000;
  /** IFF_LOWER_UP: the driver signals carrier (L1 up). */
  public static final int IFF_LOWER_UP = 0x10000;
  /** IFF_DORMANT: the driver signals dormant. */
  public static final int IFF_DORMANT = 0x20000;
  /** IFF_ECHO: echoes sent packets. */
  public static final int IFF_ECHO = 0x40000;

  /**
   * Normalises null texts to empty and null lists to empty lists.
   *
   * @param index as {@link #index()}
   * @param name as {@link #name()}
   * @param kind as {@link #kind()}
   * @param flags as {@link #flags()}
   * @param mtu as {@link #mtu()}
   * @param mac as {@link #mac()}
   * @param masterIndex as {@link #masterIndex()}
   * @param linkIndex as {@link #linkIndex()}
   * @param operState as {@link #operState()}
   * @param linkNetnsId as {@link #linkNetnsId()}
   * @param slaveKind as {@link #slaveKind()}
   * @param txQueueLen as {@link #txQueueLen()}
   * @param group as {@link #group()}
   * @param alias as {@link #alias()}
   * @param qdisc as {@link #qdisc()}
   * @param linkType as {@link #linkType()}
   * @param broadcast as {@link #broadcast()}
   * @param linkMode as {@link #linkMode()}
   * @param minMtu as {@link #minMtu()}
   * @param maxMtu as {@link #maxMtu()}
   * @param promiscuity as {@link #promiscuity()}
   * @param numTxQueues as {@link #numTxQueues()}
   * @param numRxQueues as {@link #numRxQueues()}
   * @param altNames as {@link #altNames()}
   */
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

  /**
   * The first nine components only (the shape this record had at first); the rest are neutral.
   *
   * @param index as {@link #index()}
   * @param name as {@link #name()}
   * @param kind as {@link #kind()}
   * @param flags as {@link #flags()}
   * @param mtu as {@link #mtu()}
   * @param mac as {@link #mac()}
   * @param masterIndex as {@link #masterIndex()}
   * @param linkIndex as {@link #linkIndex()}
   * @param operState as {@link #operState()}
   */
  public Link(int index, String name, String kind, int flags, int mtu, String mac, int masterIndex, int linkIndex,
      String operState) {
    this(index, name, kind, flags, mtu, mac, masterIndex, linkIndex, operState, -1, "", 0, 0, "", "", "", "",
        "DEFAULT", 0, 0, 0, 0, 0, List.of());
  }

  /**
   * Whether the administrative state is up (IFF_UP).
   *
   * @return whether IFF_UP is set
   */
  public boolean isUp() {
    return (flags & IFF_UP) != 0;
  }

  /**
   * Whether the driver signals carrier (IFF_LOWER_UP).
   *
   * @return whether IFF_LOWER_UP is set
   */
  public boolean isLowerUp() {
    return (flags & IFF_LOWER_UP) != 0;
  }

  /**
   * Whether the link has a master (is a bridge port, for instance).
   *
   * @return whether {@link #masterIndex()} is not 0
   */
  public boolean hasMaster() {
    return masterIndex != 0;
  }

  /**
   * Whether {@link #linkIndex()} names an interface in another namespace.
   *
   * @return whether the peer is in another namespace (IFLA_LINK_NETNSID was sent)
   */
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
   *
   * @return the flag names, in ip's order
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

}
