package dev.sixkit.doctor;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.docker.NetworkAttachment;
import dev.sixkit.doctor.Diagnosis.Finding;
import dev.sixkit.doctor.Diagnosis.Status;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.Address;
import dev.sixkit.plan.ContainerAddresses;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.Subnet;
import dev.sixkit.netlink.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Who holds an address: a container here or on a peer, and that host's uplink. Stateless; thread-safe as far as the hosts are. */
final class Holders {
  private Holders() {}


  /** A container holding (or meant to hold) an address, and the host it runs on. */
  record Holder(Host host, String container, boolean running, String state, String prefix, String uplink) {
    /** A container whose state keeps no proxy entry (the rule plans and the sync share): exited, created... */
    boolean keepsNoEntry() {
      return !"(none)".equals(container) && !ContainerAddresses.keepsEntry(state);
    }
  }

  record IPv6Prefix(String text) {}

  static IPv6Prefix prefixOf(Container c) {
    return new IPv6Prefix(c.networks().stream().filter(n -> n.ipv6().isPresent()).findFirst()
        .flatMap(NetworkAttachment::ipv6Prefix).map(Prefixes::text).orElse("?"));
  }

  static Optional<Holder> find(Host host, List<Host> peers, Inet6Address dst, List<Finding> f) {
    List<Host> all = new ArrayList<>();
    all.add(host);
    all.addAll(peers);
    String d = IpAddresses.format(dst);
    Holder byPrefix = null;
    for (Host h : all) {
      Optional<Docker> dk = dockerOf(h);
      if (dk.isEmpty()) {
        f.add(new Finding("docker", h.name(), Status.INFO, "no Docker endpoint to ask who holds " + d));
        continue;
      }
      try {
        for (Container c : dk.get().containers()) {
          for (NetworkAttachment n : c.networks()) {
            if (n.ipv6().isPresent() && n.ipv6().get().toCanonicalString().equals(d)) {
              String prefix = n.ipv6Prefix().map(Prefixes::text).orElse(d + "/128");
              return Optional.of(new Holder(h, c.name(), c.running(), c.state(), prefix, ownerUplink(h)));
            }
          }
        }
        if (byPrefix == null) {
          for (DockerNetwork n : dk.get().networks()) {
            for (Subnet s : n.ipv6Subnets()) {
              if (Prefixes.contains((inet.ipaddr.ipv6.IPv6Address) s.prefix(), Prefixes.address(d))) {
                byPrefix = new Holder(h, "(none)", false, "no container holds it", Prefixes.text(
                    (inet.ipaddr.ipv6.IPv6Address) s.prefix()), ownerUplink(h));
              }
            }
          }
        }
      } catch (RuntimeException e) {
        f.add(new Finding("docker", h.name(), Status.WARN, "cannot ask Docker: " + e.getMessage()));
      }
    }
    if (byPrefix != null) {
      f.add(new Finding("container", byPrefix.host.name(), Status.FAIL, "no container holds " + d + ", though it lies in "
          + byPrefix.host.name() + "'s " + byPrefix.prefix));
    }
    return Optional.ofNullable(byPrefix);
  }

  /** The host's interface carrying a global IPv6 address that is not a Docker bridge: its uplink. */
  private static String ownerUplink(Host h) {
    for (Address a : Doctor.globalV6(h)) {
      String dev = a.device();
      if (!dev.equals("docker0") && !dev.startsWith("br-") && !dev.startsWith("mgmt") && !dev.startsWith("veth")
          && !a.address().isSiteLocalAddress() && !isUla(a.address())) {
        return dev;
      }
    }
    return "eth0";
  }

  private static boolean isUla(InetAddress a) {
    return (a.getAddress()[0] & 0xfe) == 0xfc;
  }

  static Optional<Docker> dockerOf(Host h) {
    try {
      return Optional.of(h.docker());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
