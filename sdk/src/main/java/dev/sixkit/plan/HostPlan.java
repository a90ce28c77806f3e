package dev.sixkit.plan;

import dev.sixkit.host.StaticRoute;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.List;

/**
 * What one Docker host needs: its Docker prefix, the dockerd options and daemon.json fragment
 * that give it, and in routed mode the static routes to the other hosts' prefixes; in NDP mode,
 * proxy_ndp on the uplink.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param host host name (docker1)
 * @param uplink the interface facing the other hosts (eth0)
 * @param underlay the host's own address on the uplink
 * @param dockerPrefix the prefix Docker hands container addresses from (--fixed-cidr-v6)
 * @param mode routed or NDP proxy
 * @param routes static routes to add (routed mode; empty in NDP mode)
 */
public record HostPlan(String host, String uplink, IPv6Address underlay, IPv6Address dockerPrefix, Mode mode,
    List<StaticRoute> routes) {
  /**
   * Copies the routes.
   *
   * @param host as {@link #host()}
   * @param uplink as {@link #uplink()}
   * @param underlay as {@link #underlay()}
   * @param dockerPrefix as {@link #dockerPrefix()}
   * @param mode as {@link #mode()}
   * @param routes as {@link #routes()}
   */
  public HostPlan {
    routes = List.copyOf(routes);
  }

  /**
   * dockerd's options: {@code --ipv6 --fixed-cidr-v6=2001:db8:ab11:0:8000::/66}.
   *
   * @return the options, in order
   */
  public List<String> dockerdArgs() {
    return List.of("--ipv6", "--fixed-cidr-v6=" + Prefixes.text(dockerPrefix));
  }

  /**
   * The daemon.json fragment with the same settings.
   *
   * @return the JSON text
   */
  public String daemonJson() {
    return "{\n  \"ipv6\": true,\n  \"fixed-cidr-v6\": \"" + Prefixes.text(dockerPrefix) + "\"\n}\n";
  }

  /**
   * Whether the uplink must answer neighbour solicitations for the containers.
   *
   * @return true in NDP proxy mode
   */
  public boolean proxyNdp() {
    return mode == Mode.NDP_PROXY;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(host).append(": dockerd ").append(String.join(" ", dockerdArgs()));
    if (proxyNdp()) {
      sb.append("; sysctl net.ipv6.conf.").append(uplink).append(".proxy_ndp=1; a proxy entry per container on ")
          .append(uplink);
    }
    for (StaticRoute r : routes) {
      sb.append("; ").append(r.ipCommand());
    }
    return sb.toString();
  }
}
