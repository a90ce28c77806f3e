package dev.sixkit.netlink;

import static dev.sixkit.netlink.AddressCodec.*;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Interface addresses of one namespace (RTM_*ADDR): listing with filters, add, replace and
 * delete, IPv6 (with nodad) and IPv4.
 *
 * <pre>{@code
 * nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").nodad().add();
 * nl.addresses().address("127.0.0.2/8").dev("lo").label("lo:web").add();
 * nl.addresses().query().ipv6().dev("eth0").scope(Address.SCOPE_UNIVERSE).list();
 * nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").delete();
 * }</pre>
 *
 * <p>Everything that can be checked without the kernel (prefix length, family of each option,
 * lifetimes, the device's existence) is checked before a request is sent, so a bad call changes
 * nothing. Thread-safe: requests go through the client's serialised socket; step objects are
 * immutable.
 */
public final class Addresses {

  private final Netlink nl;

  Addresses(Netlink nl) {
    this.nl = nl;
  }

  /**
   * Every address of every interface, both families.
   *
   * @return the addresses, possibly empty
   */
  public List<Address> list() {
    return query().list();
  }

  /**
   * A filtered listing.
   *
   * @return a query over every address; narrow it, then {@code list()}
   */
  public Query query() {
    return new Query(AF_UNSPEC, null, null);
  }

  /**
   * Starts an address write from "ADDR/LEN" (a bare address means /128 or /32); {@code dev}
   * comes next. A bad literal or prefix length fails here with EINVAL.
   *
   * @param prefix the address and prefix length, such as {@code 2001:db8::1/64}
   * @return the next step, which names the device
   * @throws NetlinkException EINVAL when {@code prefix} is not an address literal with a valid length
   */
  public DevStep address(String prefix) {
    return new DevStep(IpPrefix.parse(prefix));
  }

  /**
   * Starts an address write; {@code dev} comes next.
   *
   * @param prefix the address and prefix length
   * @return the next step, which names the device
   */
  public DevStep address(IpPrefix prefix) {
    if (prefix == null) {
      throw new NetlinkException(Errno.EINVAL, "address", "null", "a prefix is required");
    }
    return new DevStep(prefix);
  }

  IntFunction<String> names() {
    Map<Integer, String> byIndex = new HashMap<>();
    for (Link l : nl.links().list()) {
      byIndex.put(l.index(), l.name());
    }
    return byIndex::get;
  }

  /** The interface index, or ENODEV naming the device and what was being done. */
  private int resolve(String dev, String op, String object) {
    try {
      return nl.links().index(dev);
    } catch (NetlinkException e) {
      throw e.withContext(op, object);
    }
  }

  /** Filter step of a listing. Immutable, so thread-safe. */
  public final class Query {
    private final int family;
    private final String dev;
    private final int[] scopes;

    private Query(int family, String dev, int[] scopes) {
      this.family = family;
      this.dev = dev;
      this.scopes = scopes;
    }

    /**
     * IPv6 addresses only.
     *
     * @return a narrowed copy of this query
     */
    public Query ipv6() {
      return new Query(AF_INET6, dev, scopes);
    }

    /**
     * IPv4 addresses only.
     *
     * @return a narrowed copy of this query
     */
    public Query ipv4() {
      return new Query(AF_INET, dev, scopes);
    }

    /**
     * Addresses of one interface.
     *
     * @param name the interface name
     * @return a narrowed copy of this query
     */
    public Query dev(String name) {
      LinkCodec.requireName(name);
      return new Query(family, name, scopes);
    }

    /**
     * Addresses of any of these scopes ({@link Address#SCOPE_UNIVERSE}, {@link Address#SCOPE_LINK}...).
     *
     * @param wanted RT_SCOPE_* values; none given keeps every scope
     * @return a narrowed copy of this query
     */
    public Query scope(int... wanted) {
      for (int s : wanted) {
        if (s < 0 || s > 255) {
          throw new NetlinkException(Errno.EINVAL, "list addresses", "scope " + s, "a scope is 0 to 255");
        }
      }
      return new Query(family, dev, wanted.clone());
    }

    /**
     * Runs the dump and keeps the matching addresses.
     *
     * @return the matching addresses, possibly empty
     * @throws NetlinkException when a device named by {@link #dev(String)} does not exist (ENODEV) or the
     * dump fails
     */
    public List<Address> list() {
      String object = dev == null ? "" : "dev " + dev;
      int ifindex = dev == null ? 0 : resolve(dev, "list addresses", object);
      // Strict dump checking accepts only family and index in the header; the kernel filters by index.
      MessageWriter w = new MessageWriter(RTM_GETADDR, 0, 64).u8(family).u8(0).u8(0).u8(0).u32(ifindex);
      IntFunction<String> names = names();
      List<Address> all = nl.socket().dump(w, "list addresses", object, m -> AddressCodec.decode(m, names));
      List<Address> out = new ArrayList<>(all.size());
      for (Address a : all) {
        if ((ifindex == 0 || a.ifindex() == ifindex) && scopeWanted(a.scope())) {
          out.add(a);
        }
      }
      return out;
    }

    private boolean scopeWanted(int scope) {
      if (scopes == null || scopes.length == 0) {
        return true;
      }
      for (int s : scopes) {
        if (s == scope) {
          return true;
        }
      }
      return false;
    }
  }

  /** The device step of an address write. Immutable, so thread-safe. */
  public final class DevStep {
    private final IpPrefix prefix;

    private DevStep(IpPrefix prefix) {
      this.prefix = prefix;
    }

    /**
     * The interface that carries the address.
     *
     * @param name the interface name
     * @return the address write, ready to {@code add()}, {@code replace()} or {@code delete()}
     * @throws NetlinkException ENODEV when the namespace has no such interface
     */
    public Spec dev(String name) {
      LinkCodec.requireName(name);
      return new Spec(Request.of(prefix, name));
    }
  }

  /** An address ready to be written, with its options. Immutable, so thread-safe. */
  public final class Spec {
    private final Request r;

    private Spec(Request r) {
      this.r = r;
    }

    /**
     * Skips duplicate address detection (IFA_F_NODAD): usable at once. IPv6 only.
     *
     * @return a copy with this set
     */
    public Spec nodad() {
      if (r.prefix().isV4()) {
        throw new NetlinkException(Errno.EAFNOSUPPORT, "address", r.object(),
            "nodad applies to IPv6 addresses only; IPv4 has no duplicate address detection");
      }
      return new Spec(r.withFlags(r.flags() | Address.IFA_F_NODAD));
    }

    /**
     * Adds no prefix route for the address (IFA_F_NOPREFIXROUTE).
     *
     * @return a copy with this set
     */
    public Spec noPrefixRoute() {
      return new Spec(r.withFlags(r.flags() | Address.IFA_F_NOPREFIXROUTE));
    }

    /**
     * The IPv4 label ("eth0:web"); like ip, it must start with the device name. IPv6 addresses
     * have no labels.
     *
     * @param label the label, such as {@code eth0:web}
     * @return a copy with this set
     */
    public Spec label(String label) {
      if (!r.prefix().isV4()) {
        throw new NetlinkException(Errno.EAFNOSUPPORT, "address", r.object(),
            "labels apply to IPv4 addresses only");
      }
      if (label == null || label.isEmpty() || label.length() >= IFNAMSIZ || !label.startsWith(r.dev())) {
        throw new NetlinkException(Errno.EINVAL, "address", r.object(),
            "label '" + label + "' must start with the device name '" + r.dev() + "' and be at most "
                + (IFNAMSIZ - 1) + " characters");
      }
      return new Spec(new Request(r.prefix(), r.dev(), r.flags(), r.scope(), label, r.validLifetime(),
          r.preferredLifetime()));
    }

    /**
     * Lifetimes in seconds ({@link Address#FOREVER} for none): the address becomes deprecated
     * after {@code preferred} and disappears after {@code valid}.
     *
     * @param valid seconds until the address is removed, or {@link Address#FOREVER}
     * @param preferred seconds until it is deprecated, at most {@code valid}, or {@link Address#FOREVER}
     * @return a copy with this set
     */
    public Spec lifetimes(long valid, long preferred) {
      if (valid <= 0 || valid > Address.FOREVER || preferred < 0 || preferred > valid) {
        throw new NetlinkException(Errno.EINVAL, "address", r.object(),
            "lifetimes must satisfy 0 <= preferred (" + preferred + ") <= valid (" + valid + "), valid > 0, "
                + "both at most " + Address.FOREVER + " (forever)");
      }
      return new Spec(new Request(r.prefix(), r.dev(), r.flags(), r.scope(), r.label(), valid, preferred));
    }

    /**
     * The scope (IPv4; the kernel derives IPv6 scopes from the address).
     *
     * @param scope an RT_SCOPE_* value, such as {@link Address#SCOPE_LINK}
     * @return a copy with this set
     */
    public Spec scope(int scope) {
      if (scope < 0 || scope > 255) {
        throw new NetlinkException(Errno.EINVAL, "address", r.object(), "a scope is 0 to 255");
      }
      return new Spec(new Request(r.prefix(), r.dev(), r.flags(), scope, r.label(), r.validLifetime(),
          r.preferredLifetime()));
    }

    /** Adds the address; fails with EEXIST when the interface already has it. */
    public void add() {
      write(Message.NLM_F_CREATE | Message.NLM_F_EXCL, "add address");
    }

    /** Adds the address, or updates its flags and lifetimes when it exists. */
    public void replace() {
      write(Message.NLM_F_CREATE | Message.NLM_F_REPLACE, "replace address");
    }

    private void write(int flags, String op) {
      int ifindex = resolve(r.dev(), op, r.object());
      nl.socket().request(r.encode(RTM_NEWADDR, ifindex).flags(flags), op, r.object(), null);
    }

    /** Deletes the address; fails with EADDRNOTAVAIL when the interface does not have it. */
    public void delete() {
      int ifindex = resolve(r.dev(), "delete address", r.object());
      nl.socket().request(r.encode(RTM_DELADDR, ifindex), "delete address", r.object(), null);
    }

    /**
     * Whether the interface has this address with this prefix length now.
     *
     * @return true when the address is on the interface with this prefix length
     */
    public boolean exists() {
      for (Address a : query().dev(r.dev()).list()) {
        if (a.prefix().equals(r.prefix())) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return r.object();
    }
  }

}
