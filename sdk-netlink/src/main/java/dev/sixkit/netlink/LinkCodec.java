package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Attributes;
import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire format of network interfaces, both ways: struct ifinfomsg and the IFLA_* attributes
 * of RTM_NEWLINK (creating a veth pair or a bridge, and every dump answer), RTM_SETLINK,
 * RTM_DELLINK and RTM_GETLINK, plus the kernel's rules for names and MTUs checked before a
 * request goes out. {@link Links} and {@link LinkRef} build requests with it and {@link Link} is
 * what it decodes.
 *
 * <p>Not API. Stateless; thread-safe.
 */
final class LinkCodec {
  static final int RTM_NEWLINK = 16;
  static final int RTM_DELLINK = 17;
  static final int RTM_GETLINK = 18;
  static final int RTM_SETLINK = 19;
  static final int IFINFOMSG = 16;
  static final int IFLA_ADDRESS = 1;
  static final int IFLA_BROADCAST = 2;
  static final int IFLA_IFNAME = 3;
  static final int IFLA_MTU = 4;
  static final int IFLA_LINK = 5;
  static final int IFLA_QDISC = 6;
  static final int IFLA_MASTER = 10;
  static final int IFLA_TXQLEN = 13;
  static final int IFLA_OPERSTATE = 16;
  static final int IFLA_LINKMODE = 17;
  static final int IFLA_LINKINFO = 18;
  static final int IFLA_NET_NS_PID = 19;
  static final int IFLA_IFALIAS = 20;
  static final int IFLA_GROUP = 27;
  static final int IFLA_NET_NS_FD = 28;
  static final int IFLA_EXT_MASK = 29;
  static final int IFLA_PROMISCUITY = 30;
  static final int IFLA_NUM_TX_QUEUES = 31;
  static final int IFLA_NUM_RX_QUEUES = 32;
  static final int IFLA_LINK_NETNSID = 37;
  static final int IFLA_TARGET_NETNSID = 46;
  static final int IFLA_MIN_MTU = 50;
  static final int IFLA_MAX_MTU = 51;
  static final int IFLA_PROP_LIST = 52;
  static final int IFLA_ALT_IFNAME = 53;
  static final int IFLA_INFO_KIND = 1;
  static final int IFLA_INFO_DATA = 2;
  static final int IFLA_INFO_SLAVE_KIND = 4;
  static final int VETH_INFO_PEER = 1;
  static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;
  static final int ETH_MIN_MTU = 68;
  static final int ETH_MAX_MTU = 65535;
  /**
   * IFALIASZ - 1: the kernel keeps at most 255 bytes. dev_set_alias counts the whole attribute,
   * so the alias travels without a NUL terminator, as ip sends it (with one, 255 bytes fail).
   */
  static final int MAX_ALIAS = 255;

  private LinkCodec() {}

  /** Settings of one end of a new link. Immutable; {@code mtu} 0 and {@code mac} null leave the kernel's choice. */
  record End(String name, int mtu, String mac, boolean up) {
    End withMtu(int m) {
      // The kernel checks a new link's MTU without saying why it refuses it: check here, against
      // the range veth and bridge share (ETH_MIN_MTU to ETH_MAX_MTU).
      if (m < ETH_MIN_MTU || m > ETH_MAX_MTU) {
        throw new NetlinkException(Errno.EINVAL, "set mtu of new link", name,
            "MTU " + m + " is outside " + ETH_MIN_MTU + " to " + ETH_MAX_MTU + ", the range of a veth or bridge");
      }
      return new End(name, m, mac, up);
    }

    End withMac(String m) {
      return new End(name, mtu, Macs.check(m), up);
    }

    End withUp() {
      return new End(name, mtu, mac, true);
    }

    /** The ifinfomsg and the attributes for this end (name, MTU, MAC). */
    void write(MessageWriter w) {
      w.u8(0).u8(0).u16(0).u32(0).u32(up ? Link.IFF_UP : 0).u32(up ? Link.IFF_UP : 0);
      w.attrString(IFLA_IFNAME, name);
      if (mtu > 0) {
        w.attrU32(IFLA_MTU, mtu);
      }
      if (mac != null) {
        w.attr(IFLA_ADDRESS, Macs.parse(mac));
      }
    }
  }

  /**
   * The RTM_NEWLINK (NLM_F_CREATE|NLM_F_EXCL) that makes a veth pair; {@code peerNsFd} is an open
   * namespace file for the peer, or -1 to keep it here.
   */
  static MessageWriter vethMessage(End local, End peer, int peerNsFd) {
    MessageWriter w = new MessageWriter(RTM_NEWLINK, Message.NLM_F_CREATE | Message.NLM_F_EXCL);
    local.write(w);
    int info = w.beginNest(IFLA_LINKINFO);
    w.attrString(IFLA_INFO_KIND, "veth");
    int data = w.beginNest(IFLA_INFO_DATA);
    // VETH_INFO_PEER holds a whole ifinfomsg and the peer's own IFLA_* attributes.
    int p = w.beginNest(VETH_INFO_PEER);
    peer.write(w);
    if (peerNsFd >= 0) {
      w.attrU32(IFLA_NET_NS_FD, peerNsFd);
    }
    w.endNest(p);
    w.endNest(data);
    w.endNest(info);
    return w;
  }

  /** The RTM_NEWLINK (NLM_F_CREATE|NLM_F_EXCL) that makes a bridge. */
  static MessageWriter bridgeMessage(End bridge) {
    MessageWriter w = new MessageWriter(RTM_NEWLINK, Message.NLM_F_CREATE | Message.NLM_F_EXCL);
    bridge.write(w);
    int info = w.beginNest(IFLA_LINKINFO);
    w.attrString(IFLA_INFO_KIND, "bridge");
    w.endNest(info);
    return w;
  }

  /** An RTM_SETLINK for one interface: by index when known, else by name (IFLA_IFNAME). */
  static MessageWriter setMessage(int index, String name, int flags, int change) {
    MessageWriter w = new MessageWriter(RTM_SETLINK, 0).u8(0).u8(0).u16(0).u32(index).u32(flags).u32(change);
    if (index <= 0) {
      w.attrString(IFLA_IFNAME, name);
    }
    return w;
  }

  /** An RTM_DELLINK for one interface, by index when known, else by name. */
  static MessageWriter deleteMessage(int index, String name) {
    MessageWriter w = header(RTM_DELLINK, 0, Math.max(index, 0));
    if (index <= 0) {
      w.attrString(IFLA_IFNAME, name);
    }
    return w;
  }

  static MessageWriter header(int type, int family, int index) {
    return new MessageWriter(type, 0).u8(family).u8(0).u16(0).u32(index).u32(0).u32(0);
  }

  static void requireMtu(int mtu) {
    if (mtu <= 0) {
      throw new NetlinkException(Errno.EINVAL, "set mtu", Integer.toString(mtu), "an MTU is a positive number");
    }
  }

  /**
   * Checks a name the way the kernel's dev_valid_name does: 1 to 15 bytes, not "." or "..", no
   * '/', ':' or white space.
   */
  static void requireName(String name) {
    if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 15 || name.equals(".")
        || name.equals("..") || !validChars(name)) {
      throw new NetlinkException(Errno.EINVAL, "name interface", String.valueOf(name),
          "an interface name is 1 to 15 bytes, not '.' or '..', with no '/', ':', NUL or white space");
    }
  }

  private static boolean validChars(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == ':' || c == 0 || Character.isWhitespace(c) || Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
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
    m.requireBody(IFINFOMSG);
    ByteBuffer b = m.buf();
    int type = b.getShort(m.body() + 2) & 0xffff;
    int index = b.getInt(m.body() + 4);
    int flags = b.getInt(m.body() + 8);
    Attributes a = m.attributes(IFINFOMSG);
    String name = a.string(IFLA_IFNAME);
    if (name == null) {
      throw new NetlinkException(Errno.EBADMSG, "parse netlink message", "link index " + index,
          "malformed message: RTM_NEWLINK without IFLA_IFNAME");
    }
    String kind = "";
    String slaveKind = "";
    Attributes info = a.nested(IFLA_LINKINFO);
    if (info != null) {
      kind = orEmpty(info.string(IFLA_INFO_KIND));
      slaveKind = orEmpty(info.string(IFLA_INFO_SLAVE_KIND));
    }
    List<String> alt = new ArrayList<>();
    if (a.has(IFLA_PROP_LIST)) {
      int from = a.offset(IFLA_PROP_LIST);
      Attributes.forEach(b, from, from + a.length(IFLA_PROP_LIST), (t, off, len) -> {
        if (t == IFLA_ALT_IFNAME) {
          alt.add(string(b, off, len));
        }
      });
    }
    int op = a.u8(IFLA_OPERSTATE, 0);
    int mode = a.u8(IFLA_LINKMODE, 0);
    return new Link(index, name, kind, flags, a.u32(IFLA_MTU, 0), formatMac(a.bytes(IFLA_ADDRESS)),
        a.u32(IFLA_MASTER, 0), a.u32(IFLA_LINK, 0), op < OPER.length ? OPER[op] : "UNKNOWN",
        a.u32(IFLA_LINK_NETNSID, -1), slaveKind, a.u32(IFLA_TXQLEN, 0), a.u32(IFLA_GROUP, 0),
        orEmpty(a.string(IFLA_IFALIAS)), orEmpty(a.string(IFLA_QDISC)), linkTypeName(type),
        formatMac(a.bytes(IFLA_BROADCAST)), mode < MODES.length ? MODES[mode] : "MODE" + mode,
        a.u32(IFLA_MIN_MTU, 0), a.u32(IFLA_MAX_MTU, 0), a.u32(IFLA_PROMISCUITY, 0),
        a.u32(IFLA_NUM_TX_QUEUES, 0), a.u32(IFLA_NUM_RX_QUEUES, 0), alt);
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
