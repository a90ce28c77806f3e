package dev.sixkit.netlink;

import static dev.sixkit.netlink.LinkCodec.*;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.LibC;
import dev.sixkit.netlink.internal.MessageWriter;
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

  final Netlink nl;

  Links(Netlink nl) {
    this.nl = nl;
  }

  // ---------------------------------------------------------------- reading

  /**
   * Every interface in the namespace, in index order.
   *
   * @return the interfaces
   */
  public List<Link> list() {
    MessageWriter w = header(RTM_GETLINK, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return nl.socket().dump(w, "list links", "", m -> m.type() == RTM_NEWLINK ? LinkCodec.decode(m) : null);
  }

  /**
   * The interface of that name, or empty.
   *
   * @param name the interface name
   * @return the interface, or empty
   */
  public Optional<Link> find(String name) {
    requireName(name);
    MessageWriter w = header(RTM_GETLINK, 0, 0).attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
        .attrString(IFLA_IFNAME, name);
    return getOne(w, name);
  }

  /**
   * The interface of that index, or empty.
   *
   * @param index the interface index
   * @return the interface, or empty
   */
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
          m -> m.type() == RTM_NEWLINK ? LinkCodec.decode(m) : null);
      return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENODEV) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The interface of that name; fails with ENODEV naming it and the namespace when there is none.
   *
   * @param name the interface name
   * @return the interface
   * @throws NetlinkException ENODEV when there is none
   */
  public Link get(String name) {
    return find(name).orElseThrow(() -> noSuchDevice(name));
  }

  /**
   * The interface of that index; fails with ENODEV when there is none.
   *
   * @param index the interface index
   * @return the interface
   * @throws NetlinkException ENODEV when there is none
   */
  public Link get(int index) {
    return find(index).orElseThrow(() -> noSuchIndex("get link", index));
  }

  /**
   * The index of the named interface; fails with ENODEV naming it when there is none.
   *
   * @param name the interface name
   * @return the index, at least 1
   * @throws NetlinkException ENODEV when there is none
   */
  public int index(String name) {
    return get(name).index();
  }

  /**
   * Whether an interface of that name exists.
   *
   * @param name the interface name
   * @return true when it exists
   */
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
   *
   * @param link a link of this namespace
   * @return the peer, or empty
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

  /**
   * Starts a veth pair whose first end is {@code name}; {@code peer(...)} comes next.
   *
   * @param name the local end's name, at most 15 bytes
   * @return the next step
   */
  public VethStep veth(String name) {
    requireName(name);
    return new VethStep(new End(name, 0, null, false));
  }

  /**
   * Starts a bridge; {@code create()} makes it.
   *
   * @param name the bridge's name, at most 15 bytes
   * @return the next step
   */
  public BridgeStep bridge(String name) {
    requireName(name);
    return new BridgeStep(new End(name, 0, null, false));
  }

  /**
   * A veth pair as the kernel made it, both ends read back (the peer in its own namespace, so its
   * index is valid there). Immutable record; thread-safe.
   *
   * @param local the end in this namespace
   * @param peer the other end, read in its own namespace
   */
  public record VethPair(Link local, Link peer) {}

  /** First step of a veth pair: settings of the local end, then {@link #peer}. Immutable; thread-safe. */
  public final class VethStep {
    private final End local;

    private VethStep(End local) {
      this.local = local;
    }

    /**
     * MTU of the local end.
     *
     * @param mtu the MTU in bytes
     * @return a copy with this set
     */
    public VethStep mtu(int mtu) {
      return new VethStep(local.withMtu(mtu));
    }

    /**
     * MAC address of the local end ("02:00:00:00:00:01"); the kernel picks a random one otherwise.
     *
     * @param mac the MAC address
     * @return a copy with this set
     */
    public VethStep mac(String mac) {
      return new VethStep(local.withMac(mac));
    }

    /**
     * Brings the local end up as it is made.
     *
     * @return a copy with this set
     */
    public VethStep up() {
      return new VethStep(local.withUp());
    }

    /**
     * Names the other end.
     *
     * @param peerName the peer's name, at most 15 bytes
     * @return the next step, which can set the peer and create the pair
     */
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

    /**
     * MTU of the peer.
     *
     * @param mtu the MTU in bytes
     * @return a copy with this set
     */
    public VethPeerStep peerMtu(int mtu) {
      return new VethPeerStep(local, peer.withMtu(mtu), peerNetns);
    }

    /**
     * MAC address of the peer.
     *
     * @param mac the MAC address
     * @return a copy with this set
     */
    public VethPeerStep peerMac(String mac) {
      return new VethPeerStep(local, peer.withMac(mac), peerNetns);
    }

    /**
     * Creates the peer directly in that namespace (IFLA_NET_NS_FD), not here.
     *
     * @param netns the peer's namespace
     * @return a copy with this set
     */
    public VethPeerStep peerNetns(Netns netns) {
      Objects.requireNonNull(netns, "netns");
      return new VethPeerStep(local, peer, netns);
    }

    /**
     * Creates the peer directly in the named namespace ({@code ip netns} name).
     *
     * @param netnsName the peer's namespace name under /run/netns
     * @return a copy with this set
     * @throws NetlinkException ENOENT when there is no such namespace
     */
    public VethPeerStep peerNetns(String netnsName) {
      return peerNetns(Netns.open(netnsName));
    }

    /**
     * Makes the pair in one request; fails with EEXIST, naming the taken name and its namespace,
     * when either name is in use (and then makes nothing). Returns both ends read back.
     *
     * @return both ends as read back
     * @throws NetlinkException EEXIST when a name is in use, or the kernel's other refusals
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

    /**
     * MTU of the bridge.
     *
     * @param mtu the MTU in bytes
     * @return a copy with this set
     */
    public BridgeStep mtu(int mtu) {
      return new BridgeStep(bridge.withMtu(mtu));
    }

    /**
     * MAC address of the bridge; the kernel picks one otherwise.
     *
     * @param mac the MAC address, such as {@code 02:00:00:00:00:01}
     * @return a copy with this set
     */
    public BridgeStep mac(String mac) {
      return new BridgeStep(bridge.withMac(mac));
    }

    /**
     * Brings the bridge up as it is made.
     *
     * @return a copy with this set
     */
    public BridgeStep up() {
      return new BridgeStep(bridge.withUp());
    }

    /**
     * Makes the bridge; fails with EEXIST when the name is taken. Returns it read back.
     *
     * @return the bridge
     * @throws NetlinkException EEXIST when the name is taken, or the kernel's other refusals
     */
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

  /**
   * A reference to an existing interface by name, for changes. Nothing is sent yet.
   *
   * @param name the interface name
   * @return a reference; methods fail with ENODEV when the interface does not exist
   */
  public LinkRef link(String name) {
    requireName(name);
    return new LinkRef(this, name, 0);
  }

  /**
   * A reference to an existing interface by index, for changes. Nothing is sent yet.
   *
   * @param index the interface index
   * @return a reference; methods fail with ENODEV when the interface does not exist
   */
  public LinkRef link(int index) {
    if (index <= 0) {
      throw new NetlinkException(Errno.EINVAL, "name interface", "index " + index, "an interface index is positive");
    }
    return new LinkRef(this, null, index);
  }

  // ---------------------------------------------------------------- helpers

  /** Opens a namespace file for IFLA_NET_NS_FD; the caller closes it. */
  static int openNetns(Netns netns, String op, String object) {
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

}
