package dev.sixkit.host;

import dev.sixkit.SixkitException;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.NetlinkException;
import java.net.InetAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy entries of one uplink, the part that is the same however the host is reached: the
 * address must be IPv6, a write is idempotent (UNCHANGED when the entry is already as asked) and
 * says what it changed. Subclasses only look up and write.
 *
 * <p>Not meant as API (public as the superclass of {@link SshProxyNdp}; cannot be extended
 * outside this package): program against {@link Host.ProxyNdp}.
 *
 * <p>Immutable; thread-safe when the subclass's lookups and writes are.
 */
public abstract class UplinkProxies implements Host.ProxyNdp {
  private static final Logger log = LoggerFactory.getLogger(UplinkProxies.class);

  final String host;
  final String uplink;
  private final List<Change> enabled;

  UplinkProxies(String host, String uplink, List<Change> enabled) {
    this.host = host;
    this.uplink = uplink;
    this.enabled = List.copyOf(enabled);
  }

  @Override
  public String uplink() {
    return uplink;
  }

  @Override
  public List<Change> enabled() {
    return enabled;
  }

  /** Whether the uplink has a proxy entry for the address now. */
  abstract boolean contains(InetAddress address);

  /** Adds ({@code add}) or deletes the entry; {@code change} is what it will be reported as. */
  abstract void apply(InetAddress address, boolean add, Change change);

  final InetAddress parse(String address) {
    try {
      return IpAddresses.parseV6(address, "proxy neighbour on " + host + " dev " + uplink);
    } catch (NetlinkException e) {
      throw new SixkitException("proxy", address + " on " + host + " dev " + uplink,
          e.detail().or(e::kernelMessage).orElse(e.getMessage()), e);
    }
  }

  final String object(InetAddress a) {
    return "proxy " + IpAddresses.format(a) + " dev " + uplink;
  }

  /** Adds the entry marked with {@code protocol} (0: unmarked); hosts that cannot mark add it unmarked. */
  void add(InetAddress address, int protocol, Change change) {
    apply(address, true, change);
  }

  @Override
  public final Change proxy(String address) {
    return proxy(address, 0);
  }

  @Override
  public final Change proxy(String address, int protocol) {
    InetAddress a = parse(address);
    if (contains(a)) {
      return Change.unchanged(host, object(a), "present");
    }
    Change c = Change.added(host, object(a), "present");
    add(a, protocol, c);
    log.debug("{}", c);
    return c;
  }

  @Override
  public final Change unproxy(String address) {
    InetAddress a = parse(address);
    if (!contains(a)) {
      return Change.unchanged(host, object(a), "");
    }
    Change c = Change.removed(host, object(a), "present");
    apply(a, false, c);
    log.debug("{}", c);
    return c;
  }
}
