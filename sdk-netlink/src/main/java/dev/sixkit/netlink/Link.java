package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Attributes;
import dev.sixkit.netlink.internal.Message;
import java.nio.ByteBuffer;

/**
 * A network interface as the kernel reports it (RTM_NEWLINK).
 *
 * @param index interface index
 * @param name interface name
 * @param kind link kind from IFLA_LINKINFO ("veth", "bridge"...), or empty for none
 * @param flags IFF_* flags (IFF_UP is 0x1)
 * @param mtu MTU
 * @param mac hardware address as "aa:bb:cc:dd:ee:ff", or empty
 * @param masterIndex index of the master (bridge) or 0
 * @param linkIndex IFLA_LINK (a veth's peer index, possibly in another namespace) or 0
 * @param operState operational state name as ip prints it ("UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN"...)
 *
 * <p>Immutable record; thread-safe.
 */
public record Link(int index, String name, String kind, int flags, int mtu, String mac, int masterIndex,
    int linkIndex, String operState) {
  public static final int IFF_UP = 0x1;
  public static final int IFF_LOWER_UP = 0x10000;

  /** Whether the administrative state is up (IFF_UP). */
  public boolean isUp() {
    return (flags & IFF_UP) != 0;
  }

  private static final String[] OPER = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};

  /** Decodes an RTM_NEWLINK message; malformed input fails with EBADMSG. */
  static Link decode(Message m) {
    m.requireBody(Links.IFINFOMSG);
    ByteBuffer b = m.buf();
    int index = b.getInt(m.body() + 4);
    int flags = b.getInt(m.body() + 8);
    Attributes a = m.attributes(Links.IFINFOMSG);
    String kind = "";
    Attributes info = a.nested(Links.IFLA_LINKINFO);
    if (info != null && info.has(Links.IFLA_INFO_KIND)) {
      kind = info.string(Links.IFLA_INFO_KIND);
    }
    int op = a.u8(Links.IFLA_OPERSTATE, 0);
    return new Link(index, a.string(Links.IFLA_IFNAME), kind, flags, a.u32(Links.IFLA_MTU, 0),
        formatMac(a.bytes(Links.IFLA_ADDRESS)), a.u32(Links.IFLA_MASTER, 0), a.u32(Links.IFLA_LINK, 0),
        op < OPER.length ? OPER[op] : "UNKNOWN");
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
