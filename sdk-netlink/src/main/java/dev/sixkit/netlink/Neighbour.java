package dev.sixkit.netlink;

import java.net.InetAddress;

/**
 * A neighbour table entry (RTM_NEWNEIGH), or a proxy entry when {@link #isProxy()}.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param address the neighbour's IP address (NDA_DST)
 * @param ifindex interface index (0 for a proxy entry bound to no device)
 * @param device interface name, or empty when unknown
 * @param lladdr link-layer address as "aa:bb:cc:dd:ee:ff", or empty
 * @param state NUD state (NONE for proxy entries)
 * @param flags NTF_* flags
 * @param protocol who made the entry (NDA_PROTOCOL, see {@link Protocols}); 0 when the kernel
 *     sent none
 */
public record Neighbour(InetAddress address, int ifindex, String device, String lladdr, NudState state, int flags,
    int protocol) {
  /** NTF_USE: refreshes the entry as if it had been used. */
  public static final int NTF_USE = 0x01;
  /** NTF_SELF: the entry belongs to the device itself (bridge FDB). */
  public static final int NTF_SELF = 0x02;
  /** NTF_MASTER: the entry belongs to the master (bridge FDB). */
  public static final int NTF_MASTER = 0x04;
  /** NTF_PROXY: a proxy (NDP proxy or proxy ARP) entry. */
  public static final int NTF_PROXY = 0x08;
  /** NTF_EXT_LEARNED: learned by an external control plane. */
  public static final int NTF_EXT_LEARNED = 0x10;
  /** NTF_OFFLOADED: offloaded to hardware. */
  public static final int NTF_OFFLOADED = 0x20;
  /** NTF_STICKY: a static FDB entry that does not move. */
  public static final int NTF_STICKY = 0x40;
  /** NTF_ROUTER: the IPv6 neighbour is a router. */
  public static final int NTF_ROUTER = 0x80;

  /**
   * An entry without a protocol mark (as before NDA_PROTOCOL was read).
   *
   * @param address as {@link #address()}
   * @param ifindex as {@link #ifindex()}
   * @param device as {@link #device()}
   * @param lladdr as {@link #lladdr()}
   * @param state as {@link #state()}
   * @param flags as {@link #flags()}
   */
  public Neighbour(InetAddress address, int ifindex, String device, String lladdr, NudState state, int flags) {
    this(address, ifindex, device, lladdr, state, flags, 0);
  }

  /**
   * The protocol as ip names it ("openr", "sixkit", or the number).
   *
   * @return the protocol's name, or the number as text
   */
  public String protocolName() {
    return Protocols.name(protocol);
  }

  /**
   * Whether this is a proxy entry (NTF_PROXY).
   *
   * @return true for a proxy entry
   */
  public boolean isProxy() {
    return (flags & NTF_PROXY) != 0;
  }

  /**
   * Whether the IPv6 neighbour is a router (NTF_ROUTER).
   *
   * @return true for a router
   */
  public boolean isRouter() {
    return (flags & NTF_ROUTER) != 0;
  }

  /** Like {@code ip neigh}: "2001:db8::1 dev eth0 lladdr 02:42:ac:11:00:02 REACHABLE". */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(IpAddresses.format(address));
    if (!device.isEmpty()) {
      sb.append(" dev ").append(device);
    }
    if (!lladdr.isEmpty()) {
      sb.append(" lladdr ").append(lladdr);
    }
    if (isRouter()) {
      sb.append(" router");
    }
    if (protocol != 0) {
      sb.append(" proto ").append(protocolName());
    }
    if (isProxy()) {
      sb.append(" proxy");
    } else {
      sb.append(' ').append(state);
    }
    return sb.toString();
  }

}
