package dev.sixkit.plan;

import java.util.List;

/**
 * One host of a validated {@code Setup}.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param name the host's name in the setup (docker1)
 * @param connector how it is reached
 * @param uplink the interface facing the other hosts
 * @param address its underlay address, or null to read it from the uplink
 * @param docker its Docker endpoint, or null for the connector's default (none for a namespace)
 * @param prefix its explicit Docker prefix, or null (planned by the split)
 * @param web the containers verify() uses, or empty for all in the host's prefix
 * @param declaredAt where the script declared it ("routed.groovy:5"), or ""
 * @param networks the IPv6 networks in routed gateway mode the setup creates on it (Docker 27+),
 *     or empty; when not empty, verify() tests with the containers on them
 */
public record HostEntry(String name, HostConnector connector, String uplink, String address, String docker,
    String prefix, List<String> web, String declaredAt, List<NetworkEntry> networks) {
  /**
   * Copies the lists; a null {@code networks} is empty.
   *
   * @param name as {@link #name()}
   * @param connector as {@link #connector()}
   * @param uplink as {@link #uplink()}
   * @param address as {@link #address()}
   * @param docker as {@link #docker()}
   * @param prefix as {@link #prefix()}
   * @param web as {@link #web()}
   * @param declaredAt as {@link #declaredAt()}
   * @param networks as {@link #networks()}
   */
  public HostEntry {
    web = List.copyOf(web);
    networks = networks == null ? List.of() : List.copyOf(networks);
  }

  /**
   * A host that declares no network of its own.
   *
   * @param name as {@link #name()}
   * @param connector as {@link #connector()}
   * @param uplink as {@link #uplink()}
   * @param address as {@link #address()}
   * @param docker as {@link #docker()}
   * @param prefix as {@link #prefix()}
   * @param web as {@link #web()}
   * @param declaredAt as {@link #declaredAt()}
   */
  public HostEntry(String name, HostConnector connector, String uplink, String address, String docker,
      String prefix, List<String> web, String declaredAt) {
    this(name, connector, uplink, address, docker, prefix, web, declaredAt, List.of());
  }

  /**
   * This host with one more declared network.
   *
   * @param n the network
   * @return a copy with the network added at the end
   */
  public HostEntry withNetwork(NetworkEntry n) {
    List<NetworkEntry> l = new java.util.ArrayList<>(networks);
    l.add(n);
    return new HostEntry(name, connector, uplink, address, docker, prefix, web, declaredAt, l);
  }

  @Override
  public String toString() {
    return name + " (" + connector.describe() + ", uplink " + uplink + (address != null ? ", " + address : "")
        + (docker != null ? ", docker " + docker : "") + (prefix != null ? ", prefix " + prefix : "")
        + (networks.isEmpty() ? "" : ", networks " + networks) + ")";
  }
}
