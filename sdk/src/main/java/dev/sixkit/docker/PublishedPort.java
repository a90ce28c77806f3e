package dev.sixkit.docker;

import inet.ipaddr.IPAddress;
import java.util.Objects;

/**
 * A container port published on the Docker host: the host address it listens on ({@code ::} and
 * {@code 0.0.0.0} mean every address of that family), the host port and the container port.
 *
 * <p>Immutable; thread-safe.
 *
 * @param containerPort the port inside the container
 * @param protocol "tcp", "udp" or "sctp"
 * @param hostIp the host address the port is bound to
 * @param hostPort the port on the host
 */
public record PublishedPort(int containerPort, String protocol, IPAddress hostIp, int hostPort) {

  /**
   * Checks the components.
   *
   * @param containerPort the port inside the container
   * @param protocol the protocol; not null
   * @param hostIp the host address; not null
   * @param hostPort the port on the host
   * @throws NullPointerException if {@code protocol} or {@code hostIp} is null
   */
  public PublishedPort {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(hostIp, "hostIp");
  }

  /**
   * Whether the host side is IPv6 ({@code ::} or an IPv6 address).
   *
   * @return true for an IPv6 host address
   */
  public boolean ipv6() {
    return hostIp.isIPv6();
  }

  /**
   * Whether the port listens on every address of its family ({@code ::} or {@code 0.0.0.0}).
   *
   * @return true for the zero address
   */
  public boolean anyAddress() {
    return hostIp.isZero();
  }

  @Override
  public String toString() {
    String host = hostIp.isIPv6() ? "[" + hostIp.toCanonicalString() + "]" : hostIp.toString();
    return host + ":" + hostPort + "->" + containerPort + "/" + protocol;
  }
}
