package dev.sixkit.host;

import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A host's network state read at one go ({@link Host#snapshot}): what a plan needs, in one round
 * trip over SSH.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param interfaces the interfaces, as {@link Host#interfaces()}
 * @param addresses the addresses, as {@link Host#addresses()}
 * @param routes the main table's routes, as {@link Host#routes()}
 * @param neighbours the IPv6 neighbour entries (proxy entries not included), as
 *     {@code neighbours().list()}
 * @param proxyEntries the proxy entries on every device, as {@link Host#proxyEntries()}
 * @param sysctls the sysctls asked for, by key; a key the host does not have (an interface that
 *     is not there) is left out
 */
public record HostSnapshot(List<Link> interfaces, List<Address> addresses, List<Route> routes,
    List<Neighbour> neighbours, List<Neighbour> proxyEntries, Map<String, String> sysctls) {
  /**
   * Copies every list and the map.
   *
   * @param interfaces the interfaces
   * @param addresses the addresses
   * @param routes the main table's routes
   * @param neighbours the IPv6 neighbour entries
   * @param proxyEntries the proxy entries
   * @param sysctls the sysctl values by key
   * @throws NullPointerException if any component is null or holds a null
   */
  public HostSnapshot {
    interfaces = List.copyOf(interfaces);
    addresses = List.copyOf(addresses);
    routes = List.copyOf(routes);
    neighbours = List.copyOf(neighbours);
    proxyEntries = List.copyOf(proxyEntries);
    sysctls = Map.copyOf(sysctls);
  }

  /**
   * One sysctl read with the snapshot.
   *
   * @param key a dotted sysctl name
   * @return its value; empty when it was not asked for or the host has no such key
   */
  public Optional<String> sysctl(String key) {
    return Optional.ofNullable(sysctls.get(key));
  }

  /**
   * The interface of that name.
   *
   * @param name interface name such as eth0
   * @return the interface; empty when the host has none of that name
   */
  public Optional<Link> link(String name) {
    return interfaces.stream().filter(l -> l.name().equals(name)).findFirst();
  }
}
