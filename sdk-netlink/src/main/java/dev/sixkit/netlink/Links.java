package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.LibC;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network interfaces of one namespace (RTM_*LINK): list and get, create veth pairs (the peer
 * possibly straight in another namespace) and bridges, change, move to another namespace, delete.
 *
 * <pre>{@code
 * Links links = nl.links();
 * links.bridge("br0").up().create();
 * links.veth("eth0").mtu(1400).peer("eth0").peerNetns(Netns.open("h2")).create();
 * links.link("eth0").master("br0").up();
 * links.link("eth0").rename("uplink").mtu(1500);
 * links.link("veth9").moveTo(Netns.open("h3"), "eth1");
 * links.link("uplink").delete();
 * }</pre>
 *
 * <p>Change steps ({@link LinkRef}) act at once, one kernel request each, and return a reference
 * to the same interface so that changes chain; read the result with {@link LinkRef#get()}.
 * Creation steps ({@link VethStep}, {@link BridgeStep}) collect settings and act on
 * {@code create()}, which returns what the kernel made, read back. Names, MTUs, MAC addresses and
 * namespaces are checked before anything is sent. Every failure is a {@link NetlinkException}
 * naming the interface and the namespace, with the kernel's extended-ACK text when it gave one.
 *
 * <p>Thread-safe: requests go through the client's serialised socket; step objects are immutable.
 */
public final class Links {
  private static final Logger log = LoggerFactory.getLogger(Links.class);

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

  private final Netlink nl;

  Links(Netlink nl) {
    this.nl = nl;
  }

  // ---------------------------------------------------------------- reading

  /** Every interface in the namespace, in index order. */
  public List<Link> list() {
    MessageWriter w = header(RTM_GETLINK, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return nl.socket().dump(w, "list links", "", m -> m.type() == RTM_NEWLINK ? Link.decode(m) : null);
  }

  /** The interface of that name, or empty. */
  public Optional<Link> find(String name) {
    requireName(name);
    MessageWriter w = header(RTM_GETLINK, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
        .attrString(IFLA_IFNAME, name);
    return getOne(w, name);
  }

  /** The interface of that index, or empty. */
  public Optional<Link> find(int index) {
    if (index <= 0) {
      return Optional.empty();
    }
    MessageWriter w = header(RTM_GETLINK, 0, index).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return getOne(w, "index " + index);
  }

  private Optional<Link> getOne(MessageWriter w, String object) {
    try {
      List<Link> r = nl.socket().requestReplies(w, "get link", object,
          m -> m.type() == RTM_NEWLINK ? Link.decode(m) : null);
      return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENODEV) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The interface of that name; fails with ENODEV naming it and the namespace when there is none. */
  public Link get(String name) {
    return find(name).orElseThrow(() -> noSuchDevice(name));
  }

  /** The interface of that index; fails with ENODEV when there is none. */
  public Link get(int index) {
    return find(index).orElseThrow(() -> noSuchIndex("get link", index));
  }

  /** The index of the named interface; fails with ENODEV naming it when there is none. */
  public int index(String name) {
    return get(name).index();
  }

  /** Whether an interface of that name exists. */
  public boolean exists(String name) {
    return find(name).isPresent();
  }

  /**
   * The other end of a veth (the interface {@link Link#linkIndex()} points at), read in its own
   * namespace when that is another one (through IFLA_TARGET_NETNSID, so no thread enters it).
   * Empty for links without one or when it is gone. Of a peer read in another namespace, the
   * namespace-relative fields ({@code linkNetnsId}) are as the kernel reports them to this
   * namespace; and the kernel, to report them, gives this namespace an id for itself (it then
   * shows in {@code ip netns list-id}). To read a peer whose namespace you know without that,
   * open a client there.
   */
  public Optional<Link> peer(Link link) {
    Objects.requireNonNull(link, "link");
    if (link.linkIndex() == 0 || (link.linkIndex() == link.index() && link.linkNetnsId() < 0)) {
      return Optional.empty();
    }
    if (link.linkNetnsId() < 0) {
      return find(link.linkIndex());
    }
    MessageWriter w = header(RTM_GETLINK, 0, link.linkIndex()).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
        .attrU32(IFLA_TARGET_NETNSID, link.linkNetnsId());
    return getOne(w, "index " + link.linkIndex() + " in netnsid " + link.linkNetnsId());
  }

  // ---------------------------------------------------------------- creating

  /** Starts a veth pair whose first end is {@code name}; {@code peer(...)} comes next. */
  public VethStep veth(String name) {
    requireName(name);
    return new VethStep(new End(name, 0, null, false));
  }

  /** Starts a bridge; {@code create()} makes it. */
  public BridgeStep bridge(String name) {
    requireName(name);
    return new BridgeStep(new End(name, 0, null, false));
  }

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

  /**
   * A veth pair as the kernel made it, both ends read back (the peer in its own namespace, so its
   * index is valid there). Immutable record; thread-safe.
   */
  public record VethPair(Link local, Link peer) {}

  /** First step of a veth pair: settings of the local end, then {@link #peer}. Immutable; thread-safe. */
  public final class VethStep {
    private final End local;

    private VethStep(End local) {
      this.local = local;
    }

    /** MTU of the local end. */
    public VethStep mtu(int mtu) {
      return new VethStep(local.withMtu(mtu));
    }

    /** MAC address of the local end ("02:00:00:00:00:01"); the kernel picks a random one otherwise. */
    public VethStep mac(String mac) {
      return new VethStep(local.withMac(mac));
    }

    /** Brings the local end up as it is made. */
    public VethStep up() {
      return new VethStep(local.withUp());
    }

    /** Names the other end. */
    public VethPeerStep peer(String peerName) {
      requireName(peerName);
      return new VethPeerStep(local, new End(peerName, 0, null, false), null);
    }
  }

  /**
   * Second step of a veth pair: the peer's settings and namespace, then {@link #create()}.
   * Immutable; thread-safe.
   */
  public final class VethPeerStep {
    private final End local;
    private final End peer;
    private final Netns peerNetns;

    private VethPeerStep(End local, End peer, Netns peerNetns) {
      this.local = local;
      this.peer = peer;
      this.peerNetns = peerNetns;
    }

    /** MTU of the peer. */
    public VethPeerStep peerMtu(int mtu) {
      return new VethPeerStep(local, peer.withMtu(mtu), peerNetns);
    }

    /** MAC address of the peer. */
    public VethPeerStep peerMac(String mac) {
      return new VethPeerStep(local, peer.withMac(mac), peerNetns);
    }

    /** Creates the peer directly in that namespace (IFLA_NET_NS_FD), not here. */
    public VethPeerStep peerNetns(Netns netns) {
      Objects.requireNonNull(netns, "netns");
      return new VethPeerStep(local, peer, netns);
    }

    /** Creates the peer directly in the named namespace ({@code ip netns} name). */
    public VethPeerStep peerNetns(String netnsName) {
      return peerNetns(Netns.open(netnsName));
    }

    /**
     * Makes the pair in one request; fails with EEXIST, naming the taken name and its namespace,
     * when either name is in use (and then makes nothing). Returns both ends read back.
     */
    public VethPair create() {
      String object = local.name() + " peer " + peer.name() + (peerNetns == null ? "" : " in " + peerNetns);
      if (local.name().equals(peer.name()) && (peerNetns == null || peerNetns.equals(nl.netns()))) {
        throw new NetlinkException(Errno.EINVAL, "create veth", object,
            "both ends of a veth in one namespace need different names");
      }
      int fd = peerNetns == null ? -1 : openNetns(peerNetns, "create veth", object);
      try {
        nl.socket().request(vethMessage(local, peer, fd), "create veth", object, null);
      } catch (NetlinkException e) {
        throw explainCreate(e, "create veth", object, peerNetns);
      } finally {
        if (fd >= 0) {
          LibC.Holder.LIBC.close(fd);
        }
      }
      log.debug("created veth {} in {}", object, where());
      Link l = get(local.name());
      Optional<Link> p;
      if (peerNetns == null || peerNetns.equals(nl.netns())) {
        p = peer(l);
      } else {
        // Read the peer from inside its namespace: IFLA_TARGET_NETNSID would make the kernel give
        // this namespace an id for itself as a side effect.
        try (Netlink there = Netlink.open(peerNetns)) {
          p = there.links().find(peer.name());
        }
      }
      return new VethPair(l, p.orElseThrow(() -> new NetlinkException(Errno.ENODEV, "create veth", object,
          "the kernel made " + local.name() + " but its peer " + peer.name() + " is not to be found")));
    }

    private NetlinkException explainCreate(NetlinkException e, String op, String object, Netns peerNs) {
      if (e.errno() != Errno.EEXIST) {
        return e;
      }
      String taken;
      if (exists(local.name())) {
        taken = "an interface named '" + local.name() + "' already exists in " + where();
      } else {
        taken = "an interface named '" + peer.name() + "' already exists in "
            + (peerNs == null ? where() : peerNs.toString()) + " (the peer's namespace)";
      }
      return new NetlinkException(e.errno(), op, object, taken, e);
    }
  }

  /** A bridge to be made: MTU, MAC and state, then {@link #create()}. Immutable; thread-safe. */
  public final class BridgeStep {
    private final End bridge;

    private BridgeStep(End bridge) {
      this.bridge = bridge;
    }

    public BridgeStep mtu(int mtu) {
      return new BridgeStep(bridge.withMtu(mtu));
    }

    public BridgeStep mac(String mac) {
      return new BridgeStep(bridge.withMac(mac));
    }

    /** Brings the bridge up as it is made. */
    public BridgeStep up() {
      return new BridgeStep(bridge.withUp());
    }

    /** Makes the bridge; fails with EEXIST when the name is taken. Returns it read back. */
    public Link create() {
      try {
        nl.socket().request(bridgeMessage(bridge), "create bridge", bridge.name(), null);
      } catch (NetlinkException e) {
        if (e.errno() == Errno.EEXIST) {
          throw new NetlinkException(e.errno(), "create bridge", bridge.name(),
              "an interface named '" + bridge.name() + "' already exists in " + where(), e);
        }
        throw e;
      }
      log.debug("created bridge {} in {}", bridge.name(), where());
      return get(bridge.name());
    }
  }

  // ---------------------------------------------------------------- changing

  /** A reference to an existing interface by name, for changes. Nothing is sent yet. */
  public LinkRef link(String name) {
    requireName(name);
    return new LinkRef(name, 0);
  }

  /** A reference to an existing interface by index, for changes. Nothing is sent yet. */
  public LinkRef link(int index) {
    if (index <= 0) {
      throw new NetlinkException(Errno.EINVAL, "name interface", "index " + index, "an interface index is positive");
    }
    return new LinkRef(null, index);
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

  /**
   * One existing interface, by name or index. Each change is one request, applied at once; it
   * returns a reference to the same interface (after {@link #rename}, under its new name), so
   * changes chain: {@code link("eth0").mtu(1400).master("br0").up()}. {@link #moveTo} and
   * {@link #delete} end the chain. Immutable; thread-safe (requests are serialised on the
   * client's socket).
   */
  public final class LinkRef {
    private final String name;
    private final int index;

    private LinkRef(String name, int index) {
      this.name = name;
      this.index = index;
    }

    private String object() {
      return name != null ? name : "index " + index;
    }

    /** The interface as it is now; fails with ENODEV when it is gone. */
    public Link get() {
      return find().orElseThrow(() -> missing("get link"));
    }

    /** The interface as it is now, or empty. */
    public Optional<Link> find() {
      return index > 0 ? Links.this.find(index) : Links.this.find(name);
    }

    public boolean exists() {
      return find().isPresent();
    }

    /** The other end when this is a veth (see {@link Links#peer(Link)}). */
    public Optional<Link> peer() {
      return Links.this.peer(get());
    }

    /** Sets it administratively up (IFF_UP), as {@code ip link set NAME up}. */
    public LinkRef up() {
      return apply(setMessage(index, name, Link.IFF_UP, Link.IFF_UP), "set link up");
    }

    /** Sets it administratively down. */
    public LinkRef down() {
      return apply(setMessage(index, name, 0, Link.IFF_UP), "set link down");
    }

    /** Sets the MTU; the kernel refuses values outside the device's range (its text says which). */
    public LinkRef mtu(int mtu) {
      requireMtu(mtu);
      return apply(setMessage(index, name, 0, 0).attrU32(IFLA_MTU, mtu), "set mtu " + mtu + " on");
    }

    /** Sets the MAC address; the kernel refuses multicast and all-zero addresses (EADDRNOTAVAIL). */
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

    /** Enslaves it to a bridge (or another master) of this namespace, as {@code ip link set NAME master BR}. */
    public LinkRef master(String master) {
      requireName(master);
      String op = "set master " + master + " of";
      int m = Links.this.find(master).orElseThrow(() -> noSuchDevice(op, master)).index();
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

    /** Releases it from its master, as {@code ip link set NAME nomaster}. */
    public LinkRef nomaster() {
      return apply(setMessage(index, name, 0, 0).attrU32(IFLA_MASTER, 0), "release from master");
    }

    /** Sets the alias (ip's "ifalias"); the empty string removes it. */
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

    /** Sets the transmit queue length (ip's "txqlen"). */
    public LinkRef txQueueLen(int length) {
      if (length < 0) {
        throw new NetlinkException(Errno.EINVAL, "set txqlen of", object(), "a queue length is not negative");
      }
      return apply(setMessage(index, name, 0, 0).attrU32(IFLA_TXQLEN, length), "set txqlen " + length + " of");
    }

    /** Renames it; fails with EEXIST when the new name is taken. Returns a reference under the new name. */
    public LinkRef rename(String newName) {
      requireName(newName);
      String op = "rename to " + newName;
      int idx = resolve(op);
      try {
        nl.socket().request(setMessage(idx, null, 0, 0).attrString(IFLA_IFNAME, newName), op, object(), null);
      } catch (NetlinkException e) {
        throw explain(e, op, newName);
      }
      log.debug("renamed {} to {} in {}", object(), newName, where());
      return new LinkRef(newName, idx);
    }

    /** Moves it to another namespace under its own name (IFLA_NET_NS_FD). */
    public void moveTo(Netns netns) {
      moveTo(netns, null);
    }

    /**
     * Moves it to another namespace and names it {@code newName} there (null keeps the name).
     * Fails with EEXIST, leaving it here, when the name is taken there.
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
      int fd = openNetns(netns, op, object());
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
          if (Links.this.find(idx).isEmpty()) {
            text += "; the kernel moved it there under its old name before it failed to rename it";
          }
          throw new NetlinkException(e.errno(), op, object(), text, e);
        }
        throw explain(e, op, null);
      } finally {
        LibC.Holder.LIBC.close(fd);
      }
      log.debug("moved {} from {} to {}", object(), where(), netns);
    }

    private String nameOr(int idx) {
      if (name != null) {
        return name;
      }
      return Links.this.find(idx).map(Link::name).orElse("index " + idx);
    }

    /** Deletes it (a veth takes its peer along); fails with ENODEV when there is none. */
    public void delete() {
      try {
        nl.socket().request(deleteMessage(index, name), "delete link", object(), null);
      } catch (NetlinkException e) {
        throw explain(e, "delete link", null);
      }
      log.debug("deleted {} in {}", object(), where());
    }

    /** Deletes it if it exists; returns whether it did. */
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
      return Links.this.find(name).orElseThrow(() -> noSuchDevice(op, name)).index();
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
      return name != null ? noSuchDevice(op, name) : noSuchIndex(op, index);
    }

    /** Says which interface and namespace an ENODEV, EEXIST or EBUSY was about. */
    private NetlinkException explain(NetlinkException e, String op, String newName) {
      String text = null;
      if (e.errno() == Errno.ENODEV) {
        text = name != null ? "no interface named '" + name + "' in " + where()
            : "no interface with index " + index + " in " + where();
      } else if (e.errno() == Errno.EEXIST && newName != null) {
        text = "an interface named '" + newName + "' already exists in " + where();
      } else if (e.errno() == Errno.EBUSY && newName != null && e.kernelMessage().isEmpty()) {
        text = "the kernel will not rename an interface that is up: set it down first";
      }
      return text == null ? e : new NetlinkException(e.errno(), op, object(), text, e);
    }

    @Override
    public String toString() {
      return "link " + object() + " in " + where();
    }
  }

  // ---------------------------------------------------------------- helpers

  static MessageWriter header(int type, int family, int index) {
    return new MessageWriter(type, 0).u8(family).u8(0).u16(0).u32(index).u32(0).u32(0);
  }

  /** Opens a namespace file for IFLA_NET_NS_FD; the caller closes it. */
  private static int openNetns(Netns netns, String op, String object) {
    int fd = LibC.Holder.LIBC.open(netns.path().toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      int err = LibC.Holder.errno();
      throw new NetlinkException(err, op, object, "cannot open " + netns + " at " + netns.path());
    }
    return fd;
  }

  /** This client's namespace as messages name it. */
  String where() {
    return nl.netns().isCurrent() ? "the current network namespace" : nl.netns().toString();
  }

  NetlinkException noSuchDevice(String name) {
    return noSuchDevice("find interface", name);
  }

  NetlinkException noSuchDevice(String op, String name) {
    return new NetlinkException(Errno.ENODEV, op, name, "no interface named '" + name + "' in " + where());
  }

  NetlinkException noSuchIndex(String op, int index) {
    return new NetlinkException(Errno.ENODEV, op, "index " + index,
        "no interface with index " + index + " in " + where());
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
}
