package dev.sixkit.docker;

import dev.sixkit.plan.Subnet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Docker network as the Engine reports it (network inspect).
 *
 * <p>Immutable; thread-safe.
 *
 * @param id the network id
 * @param name the network name, such as "bridge"
 * @param driver the driver, such as "bridge"
 * @param ipv6Enabled whether IPv6 is enabled on the network
 * @param internal whether the network is internal (no route out)
 * @param subnets the IPAM pools, IPv4 and IPv6, in the Engine's order
 * @param options the driver options, such as com.docker.network.bridge.name
 */
public record DockerNetwork(String id, String name, String driver, boolean ipv6Enabled, boolean internal,
    List<Subnet> subnets, Map<String, String> options) {

  /** The bridge option Docker 27 and later use for the IPv6 gateway mode ("nat" or "routed"). */
  public static final String GATEWAY_MODE_IPV6 = "com.docker.network.bridge.gateway_mode_ipv6";
  /** What {@link #ipv6GatewayMode()} says when the option is not set: Docker NATs by default. */
  public static final String DEFAULT_GATEWAY_MODE = "nat (default)";

  /**
   * Checks and copies the components.
   *
   * @param id the network id; not null
   * @param name the network name; not null
   * @param driver the driver; null becomes ""
   * @param ipv6Enabled whether IPv6 is on
   * @param internal whether the network is internal
   * @param subnets the IPAM pools; copied
   * @param options the driver options; copied
   * @throws NullPointerException if {@code id}, {@code name}, {@code subnets} or {@code options}
   *     is null
   */
  public DockerNetwork {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    driver = driver == null ? "" : driver;
    subnets = List.copyOf(subnets);
    options = Map.copyOf(options);
  }

  /**
   * The IPv6 pools only.
   *
   * @return the IPv6 pools in the Engine's order; empty when there are none
   */
  public List<Subnet> ipv6Subnets() {
    return subnets.stream().filter(Subnet::ipv6).toList();
  }

  /**
   * The IPv4 pools only.
   *
   * @return the IPv4 pools in the Engine's order; empty when there are none
   */
  public List<Subnet> ipv4Subnets() {
    return subnets.stream().filter(s -> !s.ipv6()).toList();
  }

  /**
   * How the bridge forwards IPv6: NATed (Docker's default) or routed.
   *
   * @return the value of the {@value #GATEWAY_MODE_IPV6} option when set, else {@value
   *     #DEFAULT_GATEWAY_MODE}
   */
  public String ipv6GatewayMode() {
    return Optional.ofNullable(options.get(GATEWAY_MODE_IPV6)).orElse(DEFAULT_GATEWAY_MODE);
  }
}
