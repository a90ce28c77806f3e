package dev.sixkit.plan;

import inet.ipaddr.ipv6.IPv6Address;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A user-defined IPv6 Docker network a host of a setup declares ({@code network 'web6'} in its
 * block): a bridge network whose subnet lies inside the host's planned Docker prefix, in routed
 * IPv6 gateway mode ({@code com.docker.network.bridge.gateway_mode_ipv6=routed}), created by
 * {@link SetupEngine#apply()} and removed by {@link SetupEngine#undo()} once no container is on
 * it. On Docker 27 and newer with ip6tables this is what lets other hosts reach the containers
 * (the default bridge stays filtered); Docker 20.10 has no gateway modes and the plan refuses it.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param name the network's name
 * @param subnet its IPv6 subnet (inside the host's planned Docker prefix), or null for all of that
 *     prefix. Docker refuses a pool that overlaps another, so the daemon's default bridge
 *     ({@code --fixed-cidr-v6}) must lie outside it: on 27+ the default bridge is filtered and
 *     not part of such a plan
 */
public record NetworkEntry(String name, String subnet) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /**
   * Checks the name and the subnet.
   *
   * @param name as {@link #name()}
   * @param subnet as {@link #subnet()}
   * @throws PlanException when the name is not a Docker network name, or the subnet is not IPv6
   */
  public NetworkEntry {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new PlanException("'" + name + "' is not a Docker network name (letters, digits, '_', '.', '-')");
    }
    if (subnet != null) {
      subnet = Prefixes.text(Prefixes.prefix(subnet));
    }
  }

  /**
   * The subnet for a host whose planned Docker prefix is {@code dockerPrefix}: the declared one, else all of
   * it.
   *
   * @param dockerPrefix the host's Docker prefix
   * @return the subnet
   */
  public IPv6Address subnetIn(IPv6Address dockerPrefix) {
    return subnet != null ? Prefixes.prefix(subnet) : dockerPrefix.toPrefixBlock();
  }

  @Override
  public String toString() {
    return name + (subnet == null ? "" : " " + subnet);
  }
}
