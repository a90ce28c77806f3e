package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.MessageWriter;
import java.util.List;
import java.util.Optional;

/**
 * Network interfaces of one namespace (RTM_*LINK).
 *
 * <p>Thread-safe: requests go through the client's serialised socket.
 */
public final class Links {
  static final int RTM_NEWLINK = 16;
  static final int RTM_DELLINK = 17;
  static final int RTM_GETLINK = 18;
  static final int RTM_SETLINK = 19;
  static final int IFINFOMSG = 16;
  static final int IFLA_ADDRESS = 1;
  static final int IFLA_IFNAME = 3;
  static final int IFLA_MTU = 4;
  static final int IFLA_LINK = 5;
  static final int IFLA_MASTER = 10;
  static final int IFLA_OPERSTATE = 16;
  static final int IFLA_LINKINFO = 18;
  static final int IFLA_NET_NS_PID = 19;
  static final int IFLA_NET_NS_FD = 28;
  static final int IFLA_EXT_MASK = 29;
  static final int IFLA_INFO_KIND = 1;
  static final int IFLA_INFO_DATA = 2;
  static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

  private final Netlink nl;

  Links(Netlink nl) {
    this.nl = nl;
  }

  static MessageWriter header(int type, int family, int index) {
    return new MessageWriter(type, 0).u8(family).u8(0).u16(0).u32(index).u32(0).u32(0);
  }

  /** Every interface in the namespace. */
  public List<Link> list() {
    MessageWriter w = header(RTM_GETLINK, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return nl.socket().dump(w, "list links", "", Link::decode);
  }

  /** The interface of that name, or empty. */
  public Optional<Link> find(String name) {
    requireName(name);
    MessageWriter w = header(RTM_GETLINK, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS).attrString(IFLA_IFNAME, name);
    try {
      List<Link> r = nl.socket().requestReplies(w, "get link", name, Link::decode);
      return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENODEV) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The interface of that name; fails with ENODEV naming it when there is none. */
  public Link get(String name) {
    return find(name).orElseThrow(() -> noSuchDevice(name));
  }

  /** The interface of that index; fails with ENODEV when there is none. */
  public Link get(int index) {
    MessageWriter w = header(RTM_GETLINK, 0, index).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    List<Link> r = nl.socket().requestReplies(w, "get link", "index " + index, Link::decode);
    if (r.isEmpty()) {
      throw new NetlinkException(Errno.ENODEV, "get link", "index " + index, "no interface with index " + index);
    }
    return r.get(0);
  }

  /** The index of the named interface; fails with ENODEV naming it when there is none. */
  public int index(String name) {
    return get(name).index();
  }

  NetlinkException noSuchDevice(String name) {
    return new NetlinkException(Errno.ENODEV, "find interface", name,
        "no interface named '" + name + "' in " + nl.netns().label());
  }

  static void requireName(String name) {
    if (name == null || name.isEmpty() || name.length() > 15 || name.contains("/") || name.contains(" ")
        || name.equals(".") || name.equals("..")) {
      throw new NetlinkException(Errno.EINVAL, "name interface", String.valueOf(name),
          "an interface name is 1 to 15 characters with no '/' or spaces");
    }
  }
}
