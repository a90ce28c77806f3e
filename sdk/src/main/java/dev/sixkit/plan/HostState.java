package dev.sixkit.plan;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Route;
import java.util.List;
import java.util.Map;

/**
 * What one host looks like now, as far as a plan cares: read once by {@link HostReader}, then
 * only looked at (the diff is a pure function of it).
 *
 * <p>Immutable record; thread-safe.
 *
 * @param host the host's name in the setup
 * @param error why it could not be reached or read, or null
 * @param uplinkExists whether the uplink interface exists
 * @param uplinkAddresses the uplink's global addresses inside the underlay
 * @param forwarding net.ipv6.conf.all.forwarding, or null
 * @param proxyNdp the uplink's proxy_ndp, or null
 * @param proxyDelay the uplink's neighbour proxy_delay ({@link FirstContact}), or null when not read (plans then
 *     leave it alone)
 * @param routes the IPv6 routes of the main table
 * @param proxies the proxy entries on the uplink (with their protocol: Sixkit's carry its mark)
 * @param daemon the Docker daemon's facts, or null when Docker did not answer
 * @param containers the containers, or null when Docker did not answer
 * @param dockerError why Docker did not answer, or null
 * @param files the persisted files that exist, path to text
 * @param networks the engine's networks, or null when Docker did not answer
 */
public record HostState(String host, String error, boolean uplinkExists, List<String> uplinkAddresses,
    String forwarding, String proxyNdp, String proxyDelay, List<Route> routes, List<Neighbour> proxies,
    DaemonFacts daemon, List<Container> containers, String dockerError, Map<String, String> files,
    List<dev.sixkit.docker.DockerNetwork> networks) {
  /**
   * Copies the lists; null stays null where it means "Docker did not answer".
   *
   * @param host as {@link #host()}
   * @param error as {@link #error()}
   * @param uplinkExists as {@link #uplinkExists()}
   * @param uplinkAddresses as {@link #uplinkAddresses()}
   * @param forwarding as {@link #forwarding()}
   * @param proxyNdp as {@link #proxyNdp()}
   * @param proxyDelay as {@link #proxyDelay()}
   * @param routes as {@link #routes()}
   * @param proxies as {@link #proxies()}
   * @param daemon as {@link #daemon()}
   * @param containers as {@link #containers()}
   * @param dockerError as {@link #dockerError()}
   * @param files as {@link #files()}
   * @param networks as {@link #networks()}
   */
  public HostState {
    uplinkAddresses = List.copyOf(uplinkAddresses);
    routes = List.copyOf(routes);
    proxies = List.copyOf(proxies);
    containers = containers == null ? null : List.copyOf(containers);
    files = Map.copyOf(files);
    networks = networks == null ? null : List.copyOf(networks);
  }

  /**
   * A state without the engine's networks and whose proxy_delay was not read (plans leave it alone).
   *
   * @param host as {@link #host()}
   * @param error as {@link #error()}
   * @param uplinkExists as {@link #uplinkExists()}
   * @param uplinkAddresses as {@link #uplinkAddresses()}
   * @param forwarding as {@link #forwarding()}
   * @param proxyNdp as {@link #proxyNdp()}
   * @param routes as {@link #routes()}
   * @param proxies as {@link #proxies()}
   * @param daemon as {@link #daemon()}
   * @param containers as {@link #containers()}
   * @param dockerError as {@link #dockerError()}
   * @param files as {@link #files()}
   */
  public HostState(String host, String error, boolean uplinkExists, List<String> uplinkAddresses,
      String forwarding, String proxyNdp, List<Route> routes, List<Neighbour> proxies, DaemonFacts daemon,
      List<Container> containers, String dockerError, Map<String, String> files) {
    this(host, error, uplinkExists, uplinkAddresses, forwarding, proxyNdp, routes, proxies, daemon, containers,
        dockerError, files, null);
  }

  /**
   * A state whose proxy_delay was not read (plans leave it alone).
   *
   * @param host as {@link #host()}
   * @param error as {@link #error()}
   * @param uplinkExists as {@link #uplinkExists()}
   * @param uplinkAddresses as {@link #uplinkAddresses()}
   * @param forwarding as {@link #forwarding()}
   * @param proxyNdp as {@link #proxyNdp()}
   * @param routes as {@link #routes()}
   * @param proxies as {@link #proxies()}
   * @param daemon as {@link #daemon()}
   * @param containers as {@link #containers()}
   * @param dockerError as {@link #dockerError()}
   * @param files as {@link #files()}
   * @param networks as {@link #networks()}
   */
  public HostState(String host, String error, boolean uplinkExists, List<String> uplinkAddresses,
      String forwarding, String proxyNdp, List<Route> routes, List<Neighbour> proxies, DaemonFacts daemon,
      List<Container> containers, String dockerError, Map<String, String> files,
      List<dev.sixkit.docker.DockerNetwork> networks) {
    this(host, error, uplinkExists, uplinkAddresses, forwarding, proxyNdp, null, routes, proxies, daemon, containers,
        dockerError, files, networks);
  }

  /** The error of a host not read because it is outside the engine's limit (--limit). */
  public static final String SKIPPED = "not in --limit";

  /**
   * A host left out by the limit: not read, not changed.
   *
   * @param host the host's name
   * @return a state that plans no change
   */
  public static HostState skipped(String host) {
    return failed(host, SKIPPED);
  }

  /**
   * Whether the host was left out by the limit (rather than unreachable).
   *
   * @return true for a skipped host
   */
  public boolean isSkipped() {
    return SKIPPED.equals(error);
  }

  /**
   * A host that could not be reached or read.
   *
   * @param host the host's name
   * @param why the reason, shown in the plan
   * @return a state with {@link #error()} set
   */
  public static HostState failed(String host, String why) {
    return new HostState(host, why, false, List.of(), null, null, List.of(), List.of(), null, null, null, Map.of());
  }
}
