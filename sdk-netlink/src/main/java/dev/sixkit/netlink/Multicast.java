package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Attributes;
import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * IPv6 multicast membership notifications (RTM_NEWMULTICAST / RTM_DELMULTICAST on
 * {@link Events.Group#IPV6_MULTICAST}, Linux 6.13 and later), and the solicited-node group an
 * address maps to.
 *
 * <p>Why they matter here: the kernel announces nothing when a proxy neighbour entry is added or
 * deleted, but each NDP proxy entry joins the solicited-node group of its address on its device
 * (pndisc_constructor), and leaves it when it goes. When that join or leave is the first or
 * last for the group, the kernel announces it on this group. So a proxy entry flushed behind a
 * program's back shows up as an RTM_DELMULTICAST for ff02::1:ffXX:XXXX on the uplink, unless
 * another member (an address of the host or a second proxy entry with the same low 24 bits)
 * still holds the group.
 *
 * <pre>{@code
 * try (Events.Subscription s = nl.events(Events.Group.IPV6_MULTICAST)) {
 *   s.next(Duration.ofSeconds(1)).flatMap(Multicast::change).ifPresent(System.out::println);
 * }
 * }</pre>
 *
 * <p>Stateless; thread-safe.
 */
public final class Multicast {
  /** RTM_NEWMULTICAST: the namespace joined a multicast group on a device. */
  public static final int RTM_NEWMULTICAST = 56;
  /** RTM_DELMULTICAST: the namespace left a multicast group on a device. */
  public static final int RTM_DELMULTICAST = 57;
  static final int IFA_MULTICAST = 7;
  static final int IFADDRMSG = 8;

  private Multicast() {}

  /**
   * One membership change.
   *
   * <p>Immutable record; thread-safe.
   *
   * @param removed true for RTM_DELMULTICAST (the device left the group)
   * @param ifindex the device
   * @param group the multicast group, such as ff02::1:ff11:2
   */
  public record Change(boolean removed, int ifindex, InetAddress group) {
    @Override
    public String toString() {
      return (removed ? "left " : "joined ") + IpAddresses.format(group) + " on index " + ifindex;
    }
  }

  /**
   * The membership change an event carries, if it is one (a {@link Event.RawEvent} of type 56 or 57).
   *
   * @param e any event
   * @return the change, or empty for any other event
   */
  public static Optional<Change> change(Event e) {
    if (!(e instanceof Event.RawEvent raw) || (raw.type() != RTM_NEWMULTICAST && raw.type() != RTM_DELMULTICAST)) {
      return Optional.empty();
    }
    return Optional.ofNullable(decode(raw.message()));
  }

  /** Decodes a whole RTM_NEWMULTICAST/RTM_DELMULTICAST message (header included, native byte order). */
  static Change decode(byte[] message) {
    ByteBuffer b = ByteBuffer.wrap(message).order(ByteOrder.nativeOrder());
    Change[] out = {null};
    Message.forEach(b, message.length, m -> {
      if (out[0] != null || (m.type() != RTM_NEWMULTICAST && m.type() != RTM_DELMULTICAST)) {
        return;
      }
      m.requireBody(IFADDRMSG);
      int family = m.buf().get(m.body()) & 0xff;
      if (family != NeighbourCodec.AF_INET6 && family != NeighbourCodec.AF_INET) {
        return;
      }
      int ifindex = m.buf().getInt(m.body() + 4);
      Attributes a = m.attributes(IFADDRMSG);
      InetAddress g = a.address(IFA_MULTICAST);
      if (g == null) {
        return;
      }
      if (a.length(IFA_MULTICAST) != (family == NeighbourCodec.AF_INET ? 4 : 16)) {
        throw new NetlinkException(Errno.EBADMSG, "parse multicast membership", IpAddresses.format(g),
            "malformed message: a family " + family + " group of " + a.length(IFA_MULTICAST) + " bytes");
      }
      out[0] = new Change(m.type() == RTM_DELMULTICAST, ifindex, g);
    });
    return out[0];
  }

  /**
   * The solicited-node multicast group of an IPv6 address: ff02::1:ff00:0/104 plus its low 24 bits.
   *
   * @param address an IPv6 address
   * @return the group ff02::1:ffXX:XXXX
   */
  public static Inet6Address solicitedNode(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != 16) {
      throw new NetlinkException(Errno.EAFNOSUPPORT, "solicited-node group", IpAddresses.format(address),
          "an IPv6 address is required");
    }
    byte[] g = new byte[16];
    g[0] = (byte) 0xff;
    g[1] = 0x02;
    g[11] = 0x01;
    g[12] = (byte) 0xff;
    g[13] = a[13];
    g[14] = a[14];
    g[15] = a[15];
    try {
      return (Inet6Address) Inet6Address.getByAddress(null, g, -1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
