package dev.sixkit.internal.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ports;
import dev.sixkit.docker.Container;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.docker.NetworkAttachment;
import dev.sixkit.docker.PublishedPort;
import dev.sixkit.internal.os.Ips;
import dev.sixkit.plan.Subnet;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** docker-java's answers turned into Sixkit records (for {@link EngineClient}). Stateless; thread-safe. */
final class EngineMapping {
  private EngineMapping() {}

  static Container toContainer(InspectContainerResponse r) {
    String name = nz(r.getName());
    if (name.startsWith("/")) {
      name = name.substring(1);
    }
    List<NetworkAttachment> nets = new ArrayList<>();
    List<PublishedPort> ports = new ArrayList<>();
    var ns = r.getNetworkSettings();
    if (ns != null) {
      Map<String, ContainerNetwork> byName = ns.getNetworks() == null ? Map.of() : new TreeMap<>(ns.getNetworks());
      for (var e : byName.entrySet()) {
        ContainerNetwork n = e.getValue();
        nets.add(new NetworkAttachment(e.getKey(), n.getNetworkID(), Ips.ipv6(n.getGlobalIPv6Address()),
            n.getGlobalIPv6PrefixLen() == null ? 0 : n.getGlobalIPv6PrefixLen(), Ips.ipv6(n.getIpV6Gateway()),
            Ips.ipv4(n.getIpAddress()), n.getIpPrefixLen() == null ? 0 : n.getIpPrefixLen(), Ips.ipv4(n.getGateway()),
            n.getMacAddress()));
      }
      if (ns.getPorts() != null && ns.getPorts().getBindings() != null) {
        for (var e : ns.getPorts().getBindings().entrySet()) {
          if (e.getValue() == null) {
            continue; // exposed, not published
          }
          for (Ports.Binding b : e.getValue()) {
            String ip = nz(b.getHostIp()).isEmpty() ? "0.0.0.0" : b.getHostIp();
            Optional<IPAddress> host = Ips.address(ip);
            if (host.isEmpty()) {
              continue;
            }
            ports.add(new PublishedPort(e.getKey().getPort(), e.getKey().getProtocol().toString(), host.get(),
                firstPort(b.getHostPortSpec())));
          }
        }
      }
    }
    ports.sort(Comparator.comparingInt(PublishedPort::containerPort).thenComparing(PublishedPort::protocol)
        .thenComparing(p -> p.hostIp().isIPv6()).thenComparingInt(PublishedPort::hostPort));
    String state = r.getState() == null ? "" : nz(r.getState().getStatus());
    String image = r.getConfig() == null ? nz(r.getImageId()) : nz(r.getConfig().getImage());
    return new Container(r.getId(), name, image, state, nets, ports);
  }

  static int firstPort(String spec) {
    if (spec == null || spec.isEmpty()) {
      return 0;
    }
    int dash = spec.indexOf('-');
    try {
      return Integer.parseInt(dash < 0 ? spec : spec.substring(0, dash));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static DockerNetwork toNetwork(Network n) {
    List<Subnet> subnets = new ArrayList<>();
    if (n.getIpam() != null && n.getIpam().getConfig() != null) {
      for (Network.Ipam.Config c : n.getIpam().getConfig()) {
        Ips.prefix(c.getSubnet()).ifPresent(p -> subnets.add(new Subnet(p, Ips.address(c.getGateway()))));
      }
    }
    return new DockerNetwork(n.getId(), n.getName(), n.getDriver(), Boolean.TRUE.equals(n.getEnableIPv6()),
        Boolean.TRUE.equals(n.getInternal()), subnets, n.getOptions() == null ? Map.of() : n.getOptions());
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
