package dev.sixkit.doctor;

import dev.sixkit.docker.PublishedPort;
import dev.sixkit.netlink.Socket;
import java.util.List;
import java.util.Objects;

/**
 * How a host's containers are exposed over IPv6, the way the recipes explain it: published ports
 * are served over IPv6 by docker-proxy listening on {@code :::PORT}; with the userland proxy off
 * and no ip6tables NAT they do not answer over IPv6 at the host's address; and a container with
 * a global IPv6 address is reachable on every port it listens on wherever its prefix is routed or
 * proxied, published or not (a "fully exposed endpoint"). Engines that filter IPv6 (27 and newer
 * with ip6tables) change the last part per network: in NAT gateway mode (the default bridge) the
 * address is dropped from other hosts, in routed mode only ICMPv6 and the published ports pass.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param host the host
 * @param userlandProxy whether dockerd runs docker-proxy for published ports, and where that was learnt
 * @param ip6tables whether dockerd writes ip6tables rules (NAT for published ports), and where that was learnt
 * @param listeners the host's TCP listening sockets with their processes (sock_diag, like {@code ss -ltnp})
 * @param containers each running container
 */
public record Exposure(String host, Fact<Boolean> userlandProxy, Fact<Boolean> ip6tables, List<Socket> listeners,
    List<ContainerExposure> containers) {

  /**
   * Copies the lists.
   *
   * @param host as {@link #host()}
   * @param userlandProxy as {@link #userlandProxy()}
   * @param ip6tables as {@link #ip6tables()}
   * @param listeners as {@link #listeners()}
   * @param containers as {@link #containers()}
   * @throws NullPointerException when {@code userlandProxy} or {@code ip6tables} is null
   */
  public Exposure {
    Objects.requireNonNull(userlandProxy, "userlandProxy");
    Objects.requireNonNull(ip6tables, "ip6tables");
    listeners = List.copyOf(listeners);
    containers = List.copyOf(containers);
  }

  /**
   * The running containers with a global IPv6 address and no published port.
   *
   * @return the containers, possibly empty
   */
  public List<ContainerExposure> fullyExposed() {
    return containers.stream().filter(ContainerExposure::fullyExposed).toList();
  }

  /**
   * One running container.
   *
   * <p>Immutable record; thread-safe.
   *
   * @param container its name
   * @param ipv6 its global IPv6 addresses
   * @param fullyExposed a global IPv6 address that the engine does not filter and no published
   *     port: every port it listens on is reachable directly wherever its prefix is routed or proxied
   * @param ports its published ports, each explained
   * @param note one sentence about it
   */
  public record ContainerExposure(String container, List<String> ipv6, boolean fullyExposed, List<PortExposure> ports,
      String note) {
    /**
     * Copies the lists.
     *
     * @param container as {@link #container()}
     * @param ipv6 as {@link #ipv6()}
     * @param fullyExposed as {@link #fullyExposed()}
     * @param ports as {@link #ports()}
     * @param note as {@link #note()}
     */
    public ContainerExposure {
      ipv6 = List.copyOf(ipv6);
      ports = List.copyOf(ports);
    }
  }

  /**
   * One published port and whether it answers over IPv6 at the host's addresses.
   *
   * <p>Immutable record; thread-safe.
   *
   * @param port the binding
   * @param answersOverIpv6 whether a connection to [host IPv6]:port reaches the container
   * @param servedBy "docker-proxy pid N on [::]:PORT", "ip6tables NAT", or "" when nothing serves it
   * @param explanation why
   */
  public record PortExposure(PublishedPort port, boolean answersOverIpv6, String servedBy, String explanation) {}

  /**
   * Several lines, as the CLI prints it.
   *
   * @return the text, ending without a newline
   */
  public String render() {
    StringBuilder sb = new StringBuilder("exposure on " + host + ": userland-proxy " + userlandProxy + ", ip6tables "
        + ip6tables + "\n  listening (ss -ltnp):\n");
    for (Socket s : listeners) {
      sb.append("    ").append(s).append('\n');
    }
    for (ContainerExposure c : containers) {
      sb.append("  ").append(c.container()).append(' ').append(c.ipv6()).append(": ").append(c.note()).append('\n');
      for (PortExposure p : c.ports()) {
        sb.append("    ").append(p.port()).append(": ").append(p.explanation()).append('\n');
      }
    }
    return sb.toString();
  }
}
