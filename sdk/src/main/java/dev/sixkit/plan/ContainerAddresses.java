package dev.sixkit.plan;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.NetworkAttachment;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one rule for which container addresses need an NDP proxy entry on their host's uplink,
 * used alike by plans (apply and undo), the NDP sync and the doctor, so none of them removes what
 * another puts back.
 *
 * <p>A container keeps its entry while its address stays assigned: when it is {@code running},
 * {@code paused} (frozen, but its network namespace and address are kept, and it answers again on
 * unpause without waiting for anything) or {@code restarting} (between two runs; Docker keeps the
 * endpoint). A {@code created}, {@code exited}, {@code dead} or {@code removing} container (or any
 * other state) holds no address worth answering for and gets none.
 *
 * <p>Stateless; thread-safe.
 */
public final class ContainerAddresses {
  /** The states in which a container keeps its address, and so its proxy entry. */
  public static final Set<String> KEEP_ENTRY = Set.of("running", "paused", "restarting");

  private ContainerAddresses() {}

  /**
   * Whether a container in this state keeps its proxy entry.
   *
   * @param state Docker's container state, such as "running" or "paused"
   * @return true for a state whose addresses stay in use
   */
  public static boolean keepsEntry(String state) {
    return state != null && KEEP_ENTRY.contains(state);
  }

  /**
   * Whether this container keeps its proxy entry.
   *
   * @param c the container
   * @return true when its state keeps the entry
   */
  public static boolean keepsEntry(Container c) {
    return keepsEntry(c.state());
  }

  /**
   * The IPv6 addresses (without prefix length) of a container that need a proxy entry, among
   * those {@code wanted} accepts (for instance: inside a host's Docker prefix); empty when the
   * container's state keeps none.
   *
   * @param c the container
   * @param wanted which addresses count
   * @return the addresses, possibly empty
   */
  public static Set<IPv6Address> of(Container c, Predicate<IPv6Address> wanted) {
    Set<IPv6Address> out = new LinkedHashSet<>();
    if (!keepsEntry(c)) {
      return out;
    }
    for (NetworkAttachment n : c.networks()) {
      n.ipv6().map(IPv6Address::withoutPrefixLength).filter(wanted).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The addresses of all these containers that need a proxy entry inside {@code prefix}.
   *
   * @param containers the containers
   * @param prefix the prefix (an IPv6Address with a prefix length)
   * @return the addresses, possibly empty
   */
  public static Set<IPv6Address> in(Collection<Container> containers, IPv6Address prefix) {
    Set<IPv6Address> out = new LinkedHashSet<>();
    for (Container c : containers) {
      out.addAll(of(c, a -> Prefixes.contains(prefix, a)));
    }
    return out;
  }
}
