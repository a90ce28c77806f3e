package dev.sixkit.doctor;

import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.doctor.Diagnosis.Finding;
import dev.sixkit.doctor.Diagnosis.Fix;
import dev.sixkit.doctor.Diagnosis.Status;
import dev.sixkit.host.Host;
import dev.sixkit.plan.EngineNeeds;
import java.util.List;

/** The doctor's look at a host's IPv6 packet filter (Docker 28's drops). Stateless; thread-safe. */
final class FirewallCheck {
  private FirewallCheck() {}

  /**
   * Reads the packet filter of the host holding {@code addr} and asks whether a packet from its
   * uplink to {@code addr} gets through; when a rule drops it, adds the finding naming the rule and
   * the fix (the routed gateway mode for Docker's rules; removing it for any other rule). A host that is not a namespace here (SSH) is skipped with a
   * note, as is a host without ip6tables-save.
   */
  static boolean blocked(Host on, String uplink, String addr, String prefix, List<Finding> f,
      List<Fix> fixes) {
    if (on.netnsPath().isEmpty()) {
      f.add(new Finding("firewall", on.name(), Status.INFO, "packet filter not read: the host is not on this machine"
          + " (over SSH run ip6tables-save -c there, or Firewall.read(host, commands))"));
      return false;
    }
    dev.sixkit.firewall.Verdict v;
    try {
      v = dev.sixkit.firewall.Firewall.read(on).verdict(uplink, addr);
    } catch (RuntimeException e) {
      f.add(new Finding("firewall", on.name(), Status.WARN, "packet filter not read: " + e.getMessage()));
      return false;
    }
    if (v.passes()) {
      f.add(new Finding("firewall", on.name(), Status.OK, "ping from " + uplink + " to " + addr
          + " passes the IPv6 packet filter"));
      return false;
    }
    dev.sixkit.firewall.Rule r = v.by().orElse(null);
    f.add(new Finding("firewall", on.name(), Status.FAIL, r == null ? v.describe()
        : "table " + r.table() + ", chain " + r.chain() + ": " + r.text() + " drops it (" + r.packets()
            + " packets counted, " + r.backend() + ")"));
    String var = on.name();
    if (r != null && !docker(r)) {
      // an operator's rule (or another program's): the gateway mode would not help, the rule must go
      fixes.add(new Fix(on.name(), "the rule is not Docker's: remove it or let " + addr + " through before it",
          "none: the packet filter is the operator's (Firewall.read(" + var + ").verdict(\"" + uplink + "\", \"" + addr
              + "\") names it)",
          r.backend().equals(dev.sixkit.firewall.Nftables.BACKEND)
              ? "nft -a list chain " + r.table() + " " + r.chain() + " (for its handle), then nft delete rule "
                  + r.table() + " " + r.chain() + " handle HANDLE"
              : "ip6tables -t " + r.table() + " " + r.text().replaceFirst("^-A ", "-D ")));
      return true;
    }
    fixes.add(new Fix(on.name(), "put the container on an IPv6 network in routed gateway mode (Docker filters its"
        + " NAT-mode bridges, " + prefix + " included), connect it, and proxy its new address on " + uplink
        + "; networks created later get the mode from daemon.json " + EngineNeeds.DAEMON_JSON_ROUTED,
        var + ".docker().newNetwork(\"v6routed\").ipv6().subnet(\"SUBNET\").option(DockerNetwork.GATEWAY_MODE_IPV6,"
            + " \"routed\").create()",
        "docker network create --ipv6 --subnet SUBNET -o " + DockerNetwork.GATEWAY_MODE_IPV6 + "=routed v6routed"
            + " (SUBNET: a free prefix routed to " + on.name() + ", not " + prefix + "); daemon.json: "
            + EngineNeeds.DAEMON_JSON_ROUTED));
    return true;
  }

  /** Whether Docker wrote the rule (its tables, chains, bridges); a chain's policy counts as Docker's. */
  static boolean docker(dev.sixkit.firewall.Rule r) {
    if (r.policy()) {
      return true;
    }
    String all = (r.table() + " " + r.chain() + " " + r.text()).toLowerCase(java.util.Locale.ROOT);
    return all.contains("docker") || all.contains("br-");
  }

  /** "host drops ADDR from its uplink in table raw, chain PREROUTING: -A ... (N packets)". */
  static String summary(Host on, String addr, List<Finding> f) {
    String rule = f.get(f.size() - 1).detail();
    return on.name() + "'s IPv6 packet filter drops packets to " + addr + " from other hosts: " + rule;
  }

}
