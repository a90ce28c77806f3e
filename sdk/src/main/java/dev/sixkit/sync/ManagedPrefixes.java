package dev.sixkit.sync;

import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.Subnet;
import dev.sixkit.internal.docker.DockerReads;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prefixes whose container addresses the sync manages: the ones given, plus, when it follows
 * Docker's networks, the IPv6 subnets of every Docker network inside a prefix on-link on the
 * uplink (read again at every Docker reconcile, which a network create or destroy event asks
 * for: a network created after the sync started is served without a restart).
 *
 * <p>Thread-safe: the current list is a volatile immutable snapshot; refresh runs on the worker.
 */
final class ManagedPrefixes {
  private static final Logger log = LoggerFactory.getLogger(ManagedPrefixes.class);

  private final List<IpPrefix> given;
  private final boolean follow;
  private volatile List<IpPrefix> current;

  ManagedPrefixes(List<IpPrefix> given, boolean follow) {
    this.given = List.copyOf(given);
    this.follow = follow;
    this.current = this.given;
  }

  boolean follows() {
    return follow;
  }

  List<IpPrefix> current() {
    return current;
  }

  boolean contains(InetAddress a) {
    for (IpPrefix p : current) {
      if (p.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /** Reads Docker's networks again when following them. */
  void refresh(DockerReads docker, Netlink nl, String uplink) {
    if (!follow) {
      return;
    }
    Set<IpPrefix> next = new LinkedHashSet<>(given);
    for (String p : proxied(docker.networks(), onLink(nl.addresses().list(), uplink))) {
      next.add(IpPrefix.parse(p));
    }
    List<IpPrefix> l = List.copyOf(next);
    if (!l.equals(current)) {
      log.info("managed prefixes on {} now {}", uplink, l);
      current = l;
    }
  }

  /** The uplink's on-link global IPv6 prefixes. */
  static List<IpPrefix> onLink(Collection<Address> addresses, String uplink) {
    List<IpPrefix> out = new ArrayList<>();
    for (Address a : addresses) {
      if (a.device().equals(uplink) && a.address() instanceof Inet6Address && !a.address().isLinkLocalAddress()) {
        out.add(a.prefix().network());
      }
    }
    return out;
  }

  /** The IPv6 subnets of these networks inside one of the on-link prefixes, in network order. */
  static List<String> proxied(List<DockerNetwork> networks, List<IpPrefix> onLink) {
    List<String> out = new ArrayList<>();
    for (DockerNetwork n : networks) {
      for (Subnet s : n.ipv6Subnets()) {
        String text = Prefixes.text((inet.ipaddr.ipv6.IPv6Address) s.prefix());
        IpPrefix ip = IpPrefix.parse(text);
        if (onLink.stream().anyMatch(o -> o.length() <= ip.length() && o.contains(ip.address())) && !out.contains(text)) {
          out.add(text);
        }
      }
    }
    return out;
  }
}
