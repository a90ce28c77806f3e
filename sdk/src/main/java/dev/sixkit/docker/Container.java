package dev.sixkit.docker;

import inet.ipaddr.ipv6.IPv6Address;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Docker container as the Engine reports it (container inspect).
 *
 * <p>Immutable; thread-safe.
 *
 * @param id the full container id
 * @param name the name without Docker's leading slash, such as "web1"
 * @param image the image the container was created from, as it was named then
 * @param state "created", "running", "paused", "restarting", "removing", "exited" or "dead"
 * @param networks the networks it is attached to, sorted by network name
 * @param ports the ports it publishes on the host, one entry per host binding
 */
public record Container(String id, String name, String image, String state, List<NetworkAttachment> networks,
    List<PublishedPort> ports) {

  /**
   * Checks and copies the components.
   *
   * @param id the full container id; not null
   * @param name the name without leading slash; not null
   * @param image the image; null becomes ""
   * @param state the state; null becomes ""
   * @param networks the attachments; copied
   * @param ports the published ports; copied
   * @throws NullPointerException if {@code id}, {@code name}, {@code networks} or {@code ports} is
   *     null
   */
  public Container {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    image = image == null ? "" : image;
    state = state == null ? "" : state;
    networks = List.copyOf(networks);
    ports = List.copyOf(ports);
  }

  /**
   * Whether the container runs now (a paused one does not count).
   *
   * @return true when the state is "running"
   */
  public boolean running() {
    return "running".equals(state);
  }

  /**
   * The attachment to the network with this name.
   *
   * @param networkName the network's name (not its id)
   * @return the attachment; empty when the container is not on that network
   */
  public Optional<NetworkAttachment> network(String networkName) {
    return networks.stream().filter(n -> n.network().equals(networkName)).findFirst();
  }

  /**
   * The container's first global IPv6 address (networks in name order).
   *
   * @return the address, without prefix length; empty when it has none
   */
  public Optional<IPv6Address> ipv6() {
    return networks.stream().flatMap(n -> n.ipv6().stream()).findFirst();
  }

  /**
   * The container's IPv6 address on the named network.
   *
   * @param networkName the network's name
   * @return the address; empty when it is not on that network or has no IPv6 address there
   */
  public Optional<IPv6Address> ipv6(String networkName) {
    return network(networkName).flatMap(NetworkAttachment::ipv6);
  }
}
