package dev.sixkit.docker;

import dev.sixkit.doctor.Fact;
import inet.ipaddr.IPAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Docker daemon is and how it is set up for IPv6. Each setting says where it was learnt
 * ({@link Fact.Source}): the Engine API when it reports it, else the command line or daemon.json
 * given to {@link Docker#daemon(DaemonConfig)}, else Docker's default for the daemon's version.
 *
 * <p>Immutable; thread-safe.
 *
 * @param version the Engine version, such as "20.10.24+dfsg1"
 * @param apiVersion the highest API version the Engine speaks, such as "1.41"
 * @param minApiVersion the lowest API version it accepts
 * @param negotiatedApiVersion the version this client talks to it with
 * @param os the operating system the Engine reports
 * @param kernelVersion the kernel version the Engine reports
 * @param storageDriver the storage driver, such as "overlay2"
 * @param ipv6 whether the default bridge has IPv6 (dockerd --ipv6)
 * @param fixedCidrV6 the default bridge's IPv6 prefix (dockerd --fixed-cidr-v6), if any
 * @param userlandProxy whether published ports go through docker-proxy
 * @param ip6tables whether dockerd writes ip6tables rules
 * @param experimental whether experimental features are on
 */
public record DaemonFacts(String version, String apiVersion, String minApiVersion, String negotiatedApiVersion,
    String os, String kernelVersion, String storageDriver, Fact<Boolean> ipv6, Optional<Fact<IPAddress>> fixedCidrV6,
    Fact<Boolean> userlandProxy, Fact<Boolean> ip6tables, Fact<Boolean> experimental) {

  /**
   * Checks the components.
   *
   * @param version the Engine version; not null
   * @param apiVersion the highest API version; not null
   * @param minApiVersion the lowest API version accepted
   * @param negotiatedApiVersion the version this client uses
   * @param os the operating system
   * @param kernelVersion the kernel version
   * @param storageDriver the storage driver
   * @param ipv6 IPv6 on the default bridge; not null
   * @param fixedCidrV6 the default bridge's prefix; not null (empty when none)
   * @param userlandProxy docker-proxy on or off; not null
   * @param ip6tables ip6tables on or off; not null
   * @param experimental experimental on or off; not null
   * @throws NullPointerException if a component marked not null is null
   */
  public DaemonFacts {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(ipv6, "ipv6");
    Objects.requireNonNull(fixedCidrV6, "fixedCidrV6");
    Objects.requireNonNull(userlandProxy, "userlandProxy");
    Objects.requireNonNull(ip6tables, "ip6tables");
    Objects.requireNonNull(experimental, "experimental");
  }

  /**
   * Whether the default bridge has IPv6, wherever that was learnt.
   *
   * @return the value of {@link #ipv6()}
   */
  public boolean ipv6Enabled() {
    return ipv6.value();
  }

  /**
   * The fixed-cidr-v6 prefix as a prefix block.
   *
   * @return the prefix; empty when the daemon has none
   */
  public Optional<IPAddress> fixedCidrV6Prefix() {
    return fixedCidrV6.map(Fact::value);
  }

  /**
   * The Engine's major version number (20 for 20.10.24).
   *
   * @return the number; 0 when it cannot be read
   */
  public int majorVersion() {
    return majorVersion(version);
  }

  /**
   * The major version number in a Docker version string: its leading digits.
   *
   * @param version such as "28.5.2" or "20.10.24+dfsg1"; not null
   * @return the number; 0 when the string does not start with a digit
   */
  public static int majorVersion(String version) {
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
  }
}
