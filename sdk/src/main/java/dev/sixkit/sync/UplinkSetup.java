package dev.sixkit.sync;

import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.plan.FirstContact;
import dev.sixkit.SixkitException;
import dev.sixkit.netlink.NetlinkException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The uplink's settings a sync needs (see {@link NdpProxySync#enable}). Stateless; thread-safe. */
final class UplinkSetup {
  private static final Logger LOG = LoggerFactory.getLogger(UplinkSetup.class);

  private UplinkSetup() {}

  static List<Change> enable(Host host, String uplink, boolean acceptRa) {
    List<Change> out = new ArrayList<>();
    out.add(host.sysctl("net.ipv6.conf." + uplink + ".proxy_ndp", "1"));
    if (acceptRa) {
      String ra = host.sysctl("net.ipv6.conf." + uplink + ".accept_ra");
      if ("1".equals(ra.trim())) {
        out.add(host.sysctl("net.ipv6.conf." + uplink + ".accept_ra", "2"));
      } else {
        out.add(Change.unchanged(host.name(), "sysctl net.ipv6.conf." + uplink + ".accept_ra", ra.trim()));
      }
    }
    // After accept_ra: turning forwarding on first would drop the learnt default route.
    out.add(host.sysctl("net.ipv6.conf." + uplink + ".forwarding", "1"));
    try {
      out.addAll(FirstContact.apply(host, uplink));
    } catch (SixkitException | NetlinkException e) {
      // A speed-up, not a need: in a container /proc/sys is read-only unless the host set it first.
      LOG.warn("{}: proxy_delay on {} left as it is (first pings may wait up to 0.8 s; set it on the host): {}",
          host.name(), uplink, e.getMessage());
    }
    return List.copyOf(out);
  }

}
