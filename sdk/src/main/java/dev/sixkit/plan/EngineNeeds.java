package dev.sixkit.plan;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.DockerNetwork;
import java.util.Optional;

/**
 * What a Docker engine needs before containers on it can be reached directly over IPv6 from
 * other hosts, read from its {@code /version} and {@code /info} ({@link DaemonFacts}). Seen in the
 * lab: Docker 20.10 filters nothing; Docker 28.5 with ip6tables (its default) puts every bridge
 * in NAT gateway mode, drops packets from outside to the default bridge's containers in the raw
 * table ({@code -A PREROUTING -d C/128 ! -i docker0 -j DROP}) and in its DOCKER chain, and lets
 * them in only on networks in routed gateway mode (ICMPv6 and published ports). The daemon option
 * {@code default-network-opts} gives networks created later that mode; it does not change the
 * default bridge (tried on 28.5.2).
 *
 * <p>Stateless; thread-safe.
 */
public final class EngineNeeds {
  /** The first Docker release with per-network IPv6 gateway modes. */
  public static final int GATEWAY_MODES_SINCE = 27;
  /** The daemon.json fragment that gives networks created later the routed gateway mode. */
  public static final String DAEMON_JSON_ROUTED = "{\"default-network-opts\": {\"bridge\": {\""
      + DockerNetwork.GATEWAY_MODE_IPV6 + "\": \"routed\"}}}";

  private EngineNeeds() {}

  /**
   * Whether the engine filters IPv6 to bridge networks in NAT gateway mode (ip6tables on, 27 or newer).
   *
   * @param f the engine's facts
   * @return true when such bridges are filtered
   */
  public static boolean filtersNatBridges(DaemonFacts f) {
    return f.majorVersion() >= GATEWAY_MODES_SINCE && f.ip6tables().value();
  }

  /**
   * The problem a plan reports for a host whose default bridge holds the plan's Docker prefix on
   * an engine that filters it, with the ways out that work there; empty when the engine lets the
   * traffic through (20.10, or ip6tables off).
   *
   * @param host the host's name
   * @param f the engine's facts
   * @param dockerPrefix the plan's prefix for the host's containers
   * @return the problem's text, or empty
   */
  public static Optional<String> defaultBridgeProblem(String host, DaemonFacts f, String dockerPrefix) {
    if (!filtersNatBridges(f)) {
      return Optional.empty();
    }
    return Optional.of(host + ": Docker " + f.version() + " filters IPv6 to the default bridge (NAT gateway mode): its"
        + " raw table drops packets from other hosts to containers in " + dockerPrefix + ", so they stay unreachable"
        + " whatever proxy entries or routes are applied. The default bridge cannot be switched to routed mode on this"
        + " engine; put the containers on an IPv6 network in routed mode (docker network create --ipv6 --subnet"
        + " SUBNET -o " + DockerNetwork.GATEWAY_MODE_IPV6 + "=routed NAME; networks created later get it from"
        + " daemon.json " + DAEMON_JSON_ROUTED + "), or run dockerd with \"ip6tables\": false in daemon.json (no"
        + " IPv6 filtering by Docker at all); see ./sixkit doctor or Firewall.read(host).verdict(uplink, address)");
  }

  /**
   * Refuses a gateway mode on an engine that has none: Docker 20.10 accepts the option and
   * silently ignores it.
   *
   * @param f the engine's facts
   * @param network the network being planned, for the message
   * @throws SixkitException naming the engine's version and the first release that has them
   */
  public static void requireGatewayModes(DaemonFacts f, String network) {
    if (f.majorVersion() < GATEWAY_MODES_SINCE) {
      throw new SixkitException("plan network", network, "Docker " + f.version() + " has no IPv6 gateway modes ("
          + DockerNetwork.GATEWAY_MODE_IPV6 + " needs Docker " + GATEWAY_MODES_SINCE + " or newer; 20.10 ignores it):"
          + " its bridges forward IPv6 without a gateway mode, leave the option out");
    }
  }
}
