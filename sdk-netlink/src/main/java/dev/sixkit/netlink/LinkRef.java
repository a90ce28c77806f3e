package dev.sixkit.netlink;

import static dev.sixkit.netlink.LinkCodec.*;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.LibC;
import dev.sixkit.netlink.internal.MessageWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One existing interface, by name or index. Each change is one request, applied at once; it
 * returns a reference to the same interface (after {@link #rename}, under its new name), so
 * changes chain: {@code link("eth0").mtu(1400).master("br0").up()}. {@link #moveTo} and
 * {@link #delete} end the chain. Immutable; thread-safe (requests are serialised on the
 * client's socket).
 */
public final class LinkRef {
  private static final Logger log = LoggerFactory.getLogger(LinkRef.class);
  private final Links links;
  private final Netlink nl;
  private final String name;
  private final int index;

  LinkRef(Links links, String name, int index) {
    this.links = links;
    this.nl = links.nl;
    this.name = name;
    this.index = index;
  }

  private String object() {
    return name != null ? name : "index " + index;
  }

  /**
   * The interface as it is now; fails with ENODEV when it is gone.
   *
   * @return the interface
   * @throws NetlinkException ENODEV when it does not exist
   */
  public Link get() {
    return find().orElseThrow(() -> missing("get link"));
  }

  /**
   * The interface as it is now, or empty.
   *
   * @return the interface, or empty when it does not exist
   */
  public Optional<Link> find() {
    return index > 0 ? links.find(index) : links.find(name);
  }

  /**
   * Whether the interface exists now.
   *
   * @return true when it exists
   */
  public boolean exists() {
    return find().isPresent();
  }

  /**
   * The other end when this is a veth (see {@link Links#peer(Link)}).
   *
   * @return the peer, or empty when this is no veth or the peer is gone
   */
  public Optional<Link> peer() {
    return links.peer(get());
  }

  /**
   * Sets it administratively up (IFF_UP), as {@code ip link set NAME up}.
   *
   * @return this reference
   * @throws NetlinkException when the kernel refuses (ENODEV when the interface is gone)
   */
  public LinkRef up() {
    return apply(setMessage(index, name, Link.IFF_UP, Link.IFF_UP), "set link up");
  }

  /**
   * Sets it administratively down.
   *
   * @return this reference
   * @throws NetlinkException when the kernel refuses (ENODEV when the interface is gone)
   */
  public LinkRef down() {
    return apply(setMessage(index, name, 0, Link.IFF_UP), "set link down");
  }

  /**
   * Sets the MTU; the kernel refuses values outside the device's range (its text says which).
   *
   * @param mtu the MTU in bytes
   * @return this reference
   * @throws NetlinkException EINVAL with the kernel's text when the device does not take it
   */
  public LinkRef mtu(int mtu) {
    requireMtu(mtu);
    return apply(setMessage(index, name, 0, 0).attrU32(IFLA_MTU, mtu), "set mtu " + mtu + " on");
  }

  /**
   * Sets the MAC address; the kernel refuses multicast and all-zero addresses (EADDRNOTAVAIL).
   *
   * @param mac such as {@code 02:00:00:00:00:01}
   * @return this reference
   * @throws NetlinkException EINVAL for a malformed address, EADDRNOTAVAIL for a multicast or zero one
   */
  public LinkRef mac(String mac) {
    String m = Macs.check(mac);
    try {
      return apply(setMessage(index, name, 0, 0).attr(IFLA_ADDRESS, Macs.parse(m)), "set address " + m + " on");
    } catch (NetlinkException e) {
      if (e.errno() == Errno.EADDRNOTAVAIL && e.kernelMessage().isEmpty()) {
        throw new NetlinkException(e.errno(), e.operation(), e.object(),
            "the device refused " + m + " (a multicast or all-zero address cannot be an interface's own)", e);
      }
      throw e;
    }
  }

  /**
   * Enslaves it to a bridge (or another master) of this namespace, as {@code ip link set NAME master BR}.
   *
   * @param master the master's name
   * @return this reference
   * @throws NetlinkException ENODEV when the master does not exist, or the kernel's refusal
   */
  public LinkRef master(String master) {
    requireName(master);
    String op = "set master " + master + " of";
    int m = links.find(master).orElseThrow(() -> links.noSuchDevice(op, master)).index();
    try {
      return apply(setMessage(index, name, 0, 0).attrU32(IFLA_MASTER, m), op);
    } catch (NetlinkException e) {
      if (e.errno() == Errno.EOPNOTSUPP && e.kernelMessage().isEmpty()) {
        throw new NetlinkException(e.errno(), op, object(),
            "'" + master + "' cannot take ports (a bridge or bond can)", e);
      }
      throw e;
    }
  }

  /**
   * Releases it from its master, as {@code ip link set NAME nomaster}.
   *
   * @return this reference
   */
  public LinkRef nomaster() {
    return apply(setMessage(index, name, 0, 0).attrU32(IFLA_MASTER, 0), "release from master");
  }

  /**
   * Sets the alias (ip's "ifalias"); the empty string removes it.
   *
   * @param alias the alias, or "" to remove it
   * @return this reference
   */
  public LinkRef alias(String alias) {
    Objects.requireNonNull(alias, "alias");
    if (alias.getBytes(StandardCharsets.UTF_8).length > MAX_ALIAS || alias.indexOf('\0') >= 0) {
      throw new NetlinkException(Errno.EINVAL, "set alias of", object(),
          "an alias is at most " + MAX_ALIAS + " bytes with no NUL; this one has "
              + alias.getBytes(StandardCharsets.UTF_8).length + " bytes");
    }
    return apply(setMessage(index, name, 0, 0).attr(IFLA_IFALIAS, alias.getBytes(StandardCharsets.UTF_8)),
        "set alias of");
  }

  /**
   * Sets the transmit queue length (ip's "txqlen").
   *
   * @param length the queue length in packets
   * @return this reference
   */
  public LinkRef txQueueLen(int length) {
    if (length < 0) {
      throw new NetlinkException(Errno.EINVAL, "set txqlen of", object(), "a queue length is not negative");
    }
    return apply(setMessage(index, name, 0, 0).attrU32(IFLA_TXQLEN, length), "set txqlen " + length + " of");
  }

  /**
   * Renames it; fails with EEXIST when the new name is taken. Returns a reference under the new name.
   *
   * @param newName the new name, at most 15 bytes
   * @return a reference to the renamed interface
   * @throws NetlinkException EEXIST when the name is taken, ENODEV when the interface is gone
   */
  public LinkRef rename(String newName) {
    requireName(newName);
    String op = "rename to " + newName;
    int idx = resolve(op);
    try {
      nl.socket().request(setMessage(idx, null, 0, 0).attrString(IFLA_IFNAME, newName), op, object(), null);
    } catch (NetlinkException e) {
      throw explain(e, op, newName);
    }
    log.debug("renamed {} to {} in {}", object(), newName, links.where());
    return new LinkRef(links, newName, idx);
  }

  /**
   * Moves it to another namespace under its own name (IFLA_NET_NS_FD).
   *
   * @param netns the target namespace
   * @throws NetlinkException EEXIST when the name is taken there, ENODEV when the interface is gone
   */
  public void moveTo(Netns netns) {
    moveTo(netns, null);
  }

  /**
   * Moves it to another namespace and names it {@code newName} there (null keeps the name).
   * Fails with EEXIST, leaving it here, when the name is taken there.
   *
   * @param netns the target namespace
   * @param newName the name there, or null to keep the name
   * @throws NetlinkException EEXIST when the name is taken there, ENODEV when the interface is gone
   */
  public void moveTo(Netns netns, String newName) {
    Objects.requireNonNull(netns, "netns");
    if (newName != null) {
      requireName(newName);
    }
    String op = "move to " + netns + (newName == null ? "" : " as " + newName);
    int idx = resolve(op);
    if (newName != null && !netns.equals(nl.netns())) {
      // The kernel moves first and renames after: a taken name would leave it moved but not
      // renamed. Look first.
      try (Netlink there = Netlink.open(netns)) {
        if (there.links().exists(newName)) {
          throw new NetlinkException(Errno.EEXIST, op, object(),
              "an interface named '" + newName + "' already exists in " + netns);
        }
      }
    }
    int fd = Links.openNetns(netns, op, object());
    try {
      MessageWriter w = setMessage(idx, null, 0, 0).attrU32(IFLA_NET_NS_FD, fd);
      if (newName != null) {
        w.attrString(IFLA_IFNAME, newName);
      }
      nl.socket().request(w, op, object(), null);
    } catch (NetlinkException e) {
      if (e.errno() == Errno.EEXIST) {
        String taken = newName == null ? nameOr(idx) : newName;
        String text = "an interface named '" + taken + "' already exists in " + netns;
        if (links.find(idx).isEmpty()) {
          text += "; the kernel moved it there under its old name before it failed to rename it";
        }
        throw new NetlinkException(e.errno(), op, object(), text, e);
      }
      throw explain(e, op, null);
    } finally {
      LibC.Holder.LIBC.close(fd);
    }
    log.debug("moved {} from {} to {}", object(), links.where(), netns);
  }

  private String nameOr(int idx) {
    if (name != null) {
      return name;
    }
    return links.find(idx).map(Link::name).orElse("index " + idx);
  }

  /** Deletes it (a veth takes its peer along); fails with ENODEV when there is none. */
  public void delete() {
    try {
      nl.socket().request(deleteMessage(index, name), "delete link", object(), null);
    } catch (NetlinkException e) {
      throw explain(e, "delete link", null);
    }
    log.debug("deleted {} in {}", object(), links.where());
  }

  /**
   * Deletes it if it exists; returns whether it did.
   *
   * @return true when it existed and was deleted
   */
  public boolean deleteIfExists() {
    try {
      delete();
      return true;
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENODEV) {
        return false;
      }
      throw e;
    }
  }

  private int resolve(String op) {
    if (index > 0) {
      return index;
    }
    return links.find(name).orElseThrow(() -> links.noSuchDevice(op, name)).index();
  }

  private LinkRef apply(MessageWriter w, String op) {
    try {
      nl.socket().request(w, op, object(), null);
    } catch (NetlinkException e) {
      throw explain(e, op, null);
    }
    return this;
  }

  private NetlinkException missing(String op) {
    return name != null ? links.noSuchDevice(op, name) : links.noSuchIndex(op, index);
  }

  /** Says which interface and namespace an ENODEV, EEXIST or EBUSY was about. */
  private NetlinkException explain(NetlinkException e, String op, String newName) {
    String text = null;
    if (e.errno() == Errno.ENODEV) {
      text = name != null ? "no interface named '" + name + "' in " + links.where()
          : "no interface with index " + index + " in " + links.where();
    } else if (e.errno() == Errno.EEXIST && newName != null) {
      text = "an interface named '" + newName + "' already exists in " + links.where();
    } else if (e.errno() == Errno.EBUSY && newName != null && e.kernelMessage().isEmpty()) {
      text = "the kernel will not rename an interface that is up: set it down first";
    }
    return text == null ? e : new NetlinkException(e.errno(), op, object(), text, e);
  }

  @Override
  public String toString() {
    return "link " + object() + " in " + links.where();
  }
}
