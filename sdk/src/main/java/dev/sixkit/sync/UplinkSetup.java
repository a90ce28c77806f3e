package dev.sixkit.sync;

import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.plan.FirstContact;
import java.util.ArrayList;
import java.util.List;

/** The uplink's settings a sync needs (see {@link NdpProxySync#enable}). Stateless; thread-safe. */
final class UplinkSetup {
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
    out.addAll(FirstContact.apply(host, uplink));
    return List.copyOf(out);
  }

}
