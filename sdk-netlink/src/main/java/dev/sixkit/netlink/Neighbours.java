package dev.sixkit.netlink;

import static dev.sixkit.netlink.NeighbourCodec.*;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Neighbour tables of one namespace (RTM_*NEIGH): ordinary entries in every NUD state, and proxy
 * entries (NTF_PROXY), which make the kernel answer neighbour solicitations for an address on a
 * device once {@code proxy_ndp} is on.
 *
 * <pre>{@code
 * nl.neighbours().proxy("2001:db8:ab11:0:8000::2").dev("eth0").add();
 * nl.neighbours().query().ipv6().dev("eth0").state(NudState.FAILED, NudState.INCOMPLETE).list();
 * nl.neighbours().proxies().dev("eth0").flush();
 * }</pre>
 *
 * <p>Thread-safe: requests go through the client's serialised socket; step objects are
 * immutable.
 */
public final class Neighbours {

  private final Netlink nl;

  Neighbours(Netlink nl) {
    this.nl = nl;
  }

  /**
   * Every ordinary (non-proxy) neighbour entry, both families.
   *
   * @return the entries, possibly empty
   */
  public List<Neighbour> list() {
    return query().list();
  }

  /**
   * A filtered listing of ordinary entries.
   *
   * @return a query over every ordinary entry; narrow it, then {@code list()}
   */
  public Query query() {
    return new Query(AF_UNSPEC, null, null, EnumSet.noneOf(NudState.class));
  }

  /**
   * Proxy entries: listing and flushing.
   *
   * @return a query over every proxy entry
   */
  public ProxyQuery proxies() {
    return new ProxyQuery(AF_UNSPEC, null, 0);
  }

  /**
   * Starts a proxy entry for an address, IPv6 (NDP proxy) or IPv4 (proxy ARP); {@code dev} comes
   * next. Use {@link #proxy6(String)} where only IPv6 makes sense.
   *
   * @param address the IPv6 or IPv4 literal
   * @return the next step, which names the device
   * @throws NetlinkException EINVAL when {@code address} is not a literal
   */
  public ProxyDevStep proxy(String address) {
    return proxy(IpAddresses.parse(address));
  }

  /**
   * Starts an NDP proxy entry, as {@code ip -6 neigh add proxy ADDR dev DEV}; an IPv4 address
   * fails with EAFNOSUPPORT before anything is sent.
   *
   * @param address the IPv6 literal
   * @return the next step, which names the device
   * @throws NetlinkException EINVAL for a bad literal, EAFNOSUPPORT for IPv4
   */
  public ProxyDevStep proxy6(String address) {
    return proxy(IpAddresses.parseV6(address, "add proxy neighbour"));
  }

  /**
   * Starts a proxy entry for an address; {@code dev} comes next.
   *
   * @param address the address
   * @return the next step, which names the device
   */
  public ProxyDevStep proxy(InetAddress address) {
    if (address == null) {
      throw new NetlinkException(Errno.EINVAL, "add proxy neighbour", "null", "an address is required");
    }
    return new ProxyDevStep(address);
  }

  /**
   * Starts an ordinary (static) neighbour entry; {@code dev} comes next.
   *
   * @param address the IPv6 or IPv4 literal
   * @return the next step, which names the device
   * @throws NetlinkException EINVAL when {@code address} is not a literal
   */
  public EntryDevStep entry(String address) {
    return new EntryDevStep(IpAddresses.parse(address));
  }

  private IntFunction<String> names() {
    Map<Integer, String> byIndex = new HashMap<>();
    for (Link l : nl.links().list()) {
      byIndex.put(l.index(), l.name());
    }
    return byIndex::get;
  }

  /**
   * Device names for a listing: a listing of one device needs only that device's name (known
   * when it was given by name, else one lookup by index), not a dump of every link.
   */
  private IntFunction<String> namesFor(int ifindex, String dev) {
    if (ifindex == 0) {
      return names();
    }
    String name = dev != null ? dev : nl.links().find(ifindex).map(Link::name).orElse("");
    return i -> i == ifindex ? name : null;
  }

  /** The device's index; ENODEV names the operation that needed it, not just the lookup. */
  private int resolve(String dev, String op, String object) {
    try {
      return nl.links().index(dev);
    } catch (NetlinkException e) {
      throw e.errno() == Errno.ENODEV ? e.withContext(op, object) : e;
    }
  }

  /** Filter step for ordinary entries. Immutable. */
  public final class Query {
    private final int family;
    private final String dev;
    private final InetAddress address;
    private final Set<NudState> states;

    private Query(int family, String dev, InetAddress address, Set<NudState> states) {
      this.family = family;
      this.dev = dev;
      this.address = address;
      this.states = states;
    }

    /**
     * IPv6 entries only.
     *
     * @return a narrowed copy of this query
     */
    public Query ipv6() {
      return new Query(AF_INET6, dev, address, states);
    }

    /**
     * IPv4 (ARP) entries only.
     *
     * @return a narrowed copy of this query
     */
    public Query ipv4() {
      return new Query(AF_INET, dev, address, states);
    }

    /**
     * Entries on one device.
     *
     * @param name the device name
     * @return a narrowed copy of this query
     */
    public Query dev(String name) {
      LinkCodec.requireName(name);
      return new Query(family, name, address, states);
    }

    /**
     * The entry for one address.
     *
     * @param addr the address literal
     * @return a narrowed copy of this query
     * @throws NetlinkException EINVAL when {@code addr} is not a literal
     */
    public Query address(String addr) {
      return new Query(family, dev, IpAddresses.parse(addr), states);
    }

    /**
     * Entries in any of these states.
     *
     * @param wanted the states; none given keeps every state
     * @return a narrowed copy of this query
     */
    public Query state(NudState... wanted) {
      EnumSet<NudState> s = EnumSet.noneOf(NudState.class);
      s.addAll(List.of(wanted));
      return new Query(family, dev, address, s);
    }

    /**
     * Runs the dump and keeps the matching entries.
     *
     * @return the matching entries, possibly empty
     * @throws NetlinkException when a device named by {@link #dev(String)} does not exist (ENODEV) or the
     * dump fails
     */
    public List<Neighbour> list() {
      int ifindex = dev == null ? 0 : resolve(dev, "list neighbours", "dev " + dev);
      MessageWriter w = header(RTM_GETNEIGH, family, 0, 0, 0);
      if (ifindex != 0) {
        w.attrU32(NDA_IFINDEX, ifindex);
      }
      IntFunction<String> names = namesFor(ifindex, dev);
      List<Neighbour> all = nl.socket().dump(w, "list neighbours", dev == null ? "" : "dev " + dev,
          m -> m.type() == RTM_NEWNEIGH ? NeighbourCodec.decode(m, names) : null);
      List<Neighbour> out = new ArrayList<>(all.size());
      for (Neighbour n : all) {
        if (n.isProxy() || (ifindex != 0 && n.ifindex() != ifindex) || (address != null && !address.equals(n.address()))
            || (!states.isEmpty() && !states.contains(n.state()))) {
          continue;
        }
        out.add(n);
      }
      return out;
    }
  }

  /** Listing and flushing of proxy entries. Immutable. */
  public final class ProxyQuery {
    private final int family;
    private final String dev;
    private final int ifindex; // 0: by name or none

    private ProxyQuery(int family, String dev, int ifindex) {
      this.family = family;
      this.dev = dev;
      this.ifindex = ifindex;
    }

    private String object() {
      return dev != null ? "dev " + dev : ifindex != 0 ? "dev index " + ifindex : "";
    }

    /**
     * IPv6 (NDP) proxy entries only, as {@code ip -6 neigh show proxy}.
     *
     * @return a narrowed copy of this query
     */
    public ProxyQuery ipv6() {
      return new ProxyQuery(AF_INET6, dev, ifindex);
    }

    /**
     * IPv4 (ARP) proxy entries only.
     *
     * @return a narrowed copy of this query
     */
    public ProxyQuery ipv4() {
      return new ProxyQuery(AF_INET, dev, ifindex);
    }

    /**
     * Proxy entries on one device.
     *
     * @param name the device name
     * @return a narrowed copy of this query
     */
    public ProxyQuery dev(String name) {
      LinkCodec.requireName(name);
      return new ProxyQuery(family, name, 0);
    }

    /**
     * Proxy entries on one device, by index: no name lookup before the dump.
     *
     * @param index the device index
     * @return a narrowed copy of this query
     */
    public ProxyQuery dev(int index) {
      if (index <= 0) {
        throw new NetlinkException(Errno.EINVAL, "list proxy neighbours", "index " + index,
            "an interface index is positive");
      }
      return new ProxyQuery(family, null, index);
    }

    /**
     * Proxy entries as the kernel dumps them.
     *
     * @return the matching entries, possibly empty
     * @throws NetlinkException ENODEV when a device named by {@link #dev(String)} does not exist
     */
    public List<Neighbour> list() {
      int idx = ifindex != 0 ? ifindex : dev == null ? 0 : resolve(dev, "list proxy neighbours", object());
      return listProxies(family, idx, dev, object());
    }

    /**
     * Deletes every matching proxy entry and returns those it deleted. An entry that vanished
     * meanwhile (ENOENT) is skipped; any other failure stops the flush and says how many went
     * before it.
     *
     * @return the deleted entries
     * @throws NetlinkException the first failure other than ENOENT, saying how many were deleted before it
     */
    public List<Neighbour> flush() {
      List<Neighbour> gone = new ArrayList<>();
      for (Neighbour n : list()) {
        try {
          deleteProxy(n.address(), n.ifindex(), IpAddresses.format(n.address()) + " dev " + n.device());
          gone.add(n);
        } catch (NetlinkException e) {
          if (e.errno() != Errno.ENOENT) {
            throw new NetlinkException(e.errno(), "flush proxy neighbours", object(),
                e.kernelMessage().orElse(e.getMessage()) + " (deleted " + gone.size() + " before this)", e);
          }
        }
      }
      return gone;
    }
  }

  private List<Neighbour> listProxies(int family, int ifindex, String dev, String object) {
    MessageWriter w = header(RTM_GETNEIGH, family, 0, 0, Neighbour.NTF_PROXY);
    if (ifindex != 0) {
      w.attrU32(NDA_IFINDEX, ifindex);
    }
    IntFunction<String> names = namesFor(ifindex, dev);
    List<Neighbour> all = nl.socket().dump(w, "list proxy neighbours", object,
        m -> m.type() == RTM_NEWNEIGH ? NeighbourCodec.decode(m, names) : null);
    // Older kernels ignore the NDA_IFINDEX filter for the proxy table: filter here too.
    List<Neighbour> out = new ArrayList<>(all.size());
    for (Neighbour n : all) {
      if (n.isProxy() && (ifindex == 0 || n.ifindex() == ifindex)) {
        out.add(n);
      }
    }
    return out;
  }

  private void deleteProxy(InetAddress address, int ifindex, String object) {
    MessageWriter w = header(RTM_DELNEIGH, IpAddresses.family(address), ifindex, 0, Neighbour.NTF_PROXY)
        .attrAddress(NDA_DST, address);
    try {
      nl.socket().request(w, "delete proxy neighbour", object, null);
    } catch (NetlinkException e) {
      throw e.errno() == Errno.ENOENT && e.kernelMessage().isEmpty()
          ? new NetlinkException(Errno.ENOENT, e.operation(), object, "there is no proxy entry " + object, e)
          : e;
    }
  }

  /** The device step of a proxy entry. Immutable. */
  public final class ProxyDevStep {
    private final InetAddress address;

    private ProxyDevStep(InetAddress address) {
      this.address = address;
    }

    /**
     * The device the kernel answers on (the uplink, such as eth0).
     *
     * @param name the device name
     * @return the entry, ready to {@code add()}, {@code replace()} or {@code delete()}
     * @throws NetlinkException ENODEV when the namespace has no such device
     */
    public ProxyEntry dev(String name) {
      LinkCodec.requireName(name);
      return new ProxyEntry(address, name, -1, 0);
    }

    /**
     * The device by index, for bulk work that resolved the name once.
     *
     * @param ifindex the device index
     * @return the entry, ready to {@code add()}, {@code replace()} or {@code delete()}
     */
    public ProxyEntry dev(int ifindex) {
      return new ProxyEntry(address, null, ifindex, 0);
    }
  }

  /** A proxy entry ready to be written. Immutable. */
  public final class ProxyEntry {
    private final InetAddress address;
    private final String dev;
    private final int ifindex;
    private final int protocol;

    private ProxyEntry(InetAddress address, String dev, int ifindex, int protocol) {
      this.address = address;
      this.dev = dev;
      this.ifindex = ifindex;
      this.protocol = protocol;
    }

    /**
     * Marks the entry with a protocol number (NDA_PROTOCOL, as {@code ip neigh add proxy ADDR
     * protocol P dev DEV}); the kernel keeps it and reports it in {@link Neighbour#protocol()}.
     * Sixkit's own entries use {@link Protocols#SIXKIT}.
     *
     * @param protocol 0 to 255; 0 leaves the entry unmarked
     * @return a copy with this set
     */
    public ProxyEntry protocol(int protocol) {
      return new ProxyEntry(address, dev, ifindex, Protocols.check(protocol, "proxy neighbour", object()));
    }

    private String object() {
      return IpAddresses.format(address) + " dev " + (dev != null ? dev : "index " + ifindex);
    }

    private int index(String op) {
      return ifindex >= 0 ? ifindex : resolve(dev, op, object());
    }

    /**
     * Adds the entry (NLM_F_CREATE|NLM_F_EXCL). The kernel takes an existing proxy entry again
     * without complaint, so this is idempotent.
     */
    public void add() {
      write(Message.NLM_F_CREATE | Message.NLM_F_EXCL, "add proxy neighbour");
    }

    /** Adds or replaces the entry. */
    public void replace() {
      write(Message.NLM_F_CREATE | Message.NLM_F_REPLACE, "replace proxy neighbour");
    }

    private void write(int flags, String op) {
      int idx = index(op);
      MessageWriter w = header(RTM_NEWNEIGH, IpAddresses.family(address), idx, NudState.PERMANENT.bit(),
          Neighbour.NTF_PROXY).attrAddress(NDA_DST, address);
      if (protocol != 0) {
        w.attrU8(NDA_PROTOCOL, protocol);
      }
      w.flags(flags);
      nl.socket().request(w, op, object(), null);
    }

    /** Deletes the entry; fails with ENOENT when there is none. */
    public void delete() {
      deleteProxy(address, index("delete proxy neighbour"), object());
    }

    /**
     * Whether the entry exists now (one RTM_GETNEIGH lookup, not a dump).
     *
     * @return true when the proxy entry is on the device now
     */
    public boolean exists() {
      int idx = index("get proxy neighbour");
      MessageWriter w = header(RTM_GETNEIGH, IpAddresses.family(address), idx, 0, Neighbour.NTF_PROXY)
          .attrAddress(NDA_DST, address);
      try {
        return !nl.socket().requestReplies(w, "get proxy neighbour", object(),
            m -> m.type() == RTM_NEWNEIGH ? Boolean.TRUE : null).isEmpty();
      } catch (NetlinkException e) {
        if (e.errno() == Errno.ENOENT) {
          return false;
        }
        throw e;
      }
    }
  }

  /** The device step of an ordinary entry. Immutable. */
  public final class EntryDevStep {
    private final InetAddress address;

    private EntryDevStep(InetAddress address) {
      this.address = address;
    }

    /**
     * The device the entry is on.
     *
     * @param name the device name
     * @return the entry, ready to add, replace or delete
     * @throws NetlinkException ENODEV when the namespace has no such device
     */
    public Entry dev(String name) {
      LinkCodec.requireName(name);
      return new Entry(address, name, null, NudState.PERMANENT, 0, 0);
    }
  }

  /** An ordinary neighbour entry ready to be written. Immutable. */
  public final class Entry {
    private final InetAddress address;
    private final String dev;
    private final String lladdr;
    private final NudState state;
    private final int flags;
    private final int protocol;

    private Entry(InetAddress address, String dev, String lladdr, NudState state, int flags, int protocol) {
      this.address = address;
      this.dev = dev;
      this.lladdr = lladdr;
      this.state = state;
      this.flags = flags;
      this.protocol = protocol;
    }

    /**
     * Marks the entry with a protocol number (NDA_PROTOCOL); see {@link Protocols}.
     *
     * @param protocol 0 to 255
     * @return a copy with this set
     */
    public Entry protocol(int protocol) {
      return new Entry(address, dev, lladdr, state, flags, Protocols.check(protocol, "neighbour", object()));
    }

    /**
     * The link-layer address, "aa:bb:cc:dd:ee:ff".
     *
     * @param mac the link-layer address
     * @return a copy with this set
     * @throws NetlinkException EINVAL for a malformed address
     */
    public Entry lladdr(String mac) {
      return new Entry(address, dev, Macs.check(mac), state, flags, protocol);
    }

    /**
     * The NUD state to set (PERMANENT by default, as ip neigh add).
     *
     * @param s the state
     * @return a copy with this set
     */
    public Entry state(NudState s) {
      return new Entry(address, dev, lladdr, s, flags, protocol);
    }

    /**
     * Marks the neighbour as a router (IPv6).
     *
     * @return a copy with this set
     */
    public Entry router() {
      return new Entry(address, dev, lladdr, state, flags | Neighbour.NTF_ROUTER, protocol);
    }

    private String object() {
      return IpAddresses.format(address) + " dev " + dev;
    }

    private MessageWriter message(int type, String op) {
      MessageWriter w = header(type, IpAddresses.family(address), resolve(dev, op, object()), state.bit(), flags)
          .attrAddress(NDA_DST, address);
      if (lladdr != null) {
        w.attr(NDA_LLADDR, Macs.parse(lladdr));
      }
      if (protocol != 0 && type == RTM_NEWNEIGH) {
        w.attrU8(NDA_PROTOCOL, protocol);
      }
      return w;
    }

    /**
     * The kernel creates the entry before it checks for a link-layer address and leaves it
     * behind when that check fails, so refuse here first.
     */
    private void requireLladdr(String op) {
      if (lladdr == null && VALID.contains(state)) {
        throw new NetlinkException(Errno.EINVAL, op, object(),
            "a " + state + " entry needs a link-layer address: add .lladdr(\"02:00:00:00:00:01\")");
      }
    }

    /** Adds the entry; fails with EEXIST when one exists (and leaves that one as it was). */
    public void add() {
      requireLladdr("add neighbour");
      try {
        nl.socket().request(message(RTM_NEWNEIGH, "add neighbour").flags(Message.NLM_F_CREATE | Message.NLM_F_EXCL),
            "add neighbour", object(), null);
      } catch (NetlinkException e) {
        throw e.errno() == Errno.EEXIST && e.kernelMessage().isEmpty()
            ? new NetlinkException(Errno.EEXIST, e.operation(), object(),
                "there is already an entry for " + object() + " (replace() overwrites it)", e)
            : e;
      }
    }

    /**
     * Adds or replaces the entry. Without {@link #lladdr} an existing entry keeps its
     * link-layer address; a new one in a state that needs one fails with EINVAL.
     */
    public void replace() {
      MessageWriter w = message(RTM_NEWNEIGH, "replace neighbour");
      if (lladdr == null && VALID.contains(state)
          && query().dev(dev).address(IpAddresses.format(address)).list().stream().allMatch(n -> n.lladdr().isEmpty())) {
        requireLladdr("replace neighbour");
      }
      nl.socket().request(w.flags(Message.NLM_F_CREATE | Message.NLM_F_REPLACE), "replace neighbour", object(), null);
    }

    /** Deletes the entry; fails with ENOENT when there is none. */
    public void delete() {
      MessageWriter w = header(RTM_DELNEIGH, IpAddresses.family(address), resolve(dev, "delete neighbour", object()), 0, 0)
          .attrAddress(NDA_DST, address);
      try {
        nl.socket().request(w, "delete neighbour", object(), null);
      } catch (NetlinkException e) {
        throw e.errno() == Errno.ENOENT && e.kernelMessage().isEmpty()
            ? new NetlinkException(Errno.ENOENT, e.operation(), object(), "there is no neighbour entry " + object(), e)
            : e;
      }
    }
  }

  /** States the kernel calls NUD_VALID: they carry a link-layer address. */
  private static final Set<NudState> VALID = EnumSet.of(NudState.PERMANENT, NudState.NOARP, NudState.REACHABLE,
      NudState.STALE, NudState.DELAY, NudState.PROBE);

  static boolean isV6(InetAddress a) {
    return a instanceof Inet6Address;
  }
}
