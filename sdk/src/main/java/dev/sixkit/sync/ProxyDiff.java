package dev.sixkit.sync;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The sync's pure diff: the addresses that should have a proxy entry (from {@link
 * dev.sixkit.plan.ContainerAddresses}, the rule plans use too) against the uplink's proxy table
 * as the kernel lists it, each entry with its protocol mark. Entries marked with Sixkit's
 * protocol are Sixkit's (whether a sync or an apply made them); unmarked or otherwise marked
 * entries are the operator's and are never removed.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param toAdd wanted addresses with no entry
 * @param toDelete Sixkit's entries inside the managed prefixes nobody wants (empty while Docker is
 *     unknown: a container may still be live)
 * @param owned Sixkit's entries inside the managed prefixes that stay, plus those to add
 * @param foreign entries inside the managed prefixes that are not Sixkit's
 */
record ProxyDiff(List<InetAddress> toAdd, List<InetAddress> toDelete, Set<InetAddress> owned, Set<InetAddress> foreign) {
  ProxyDiff {
    toAdd = List.copyOf(toAdd);
    toDelete = List.copyOf(toDelete);
    owned = Set.copyOf(owned);
    foreign = Set.copyOf(foreign);
  }

  /**
   * @param desired addresses that should have an entry
   * @param kernel the uplink's proxy entries: address to protocol mark
   * @param ours which protocol marks are Sixkit's
   * @param managed which addresses this sync may judge at all (its prefixes)
   * @param dockerKnown whether Docker's containers were read (nothing is removed otherwise)
   */
  static ProxyDiff of(Set<InetAddress> desired, Map<InetAddress, Integer> kernel, Predicate<Integer> ours,
      Predicate<InetAddress> managed, boolean dockerKnown) {
    List<InetAddress> add = new ArrayList<>();
    Set<InetAddress> owned = new HashSet<>();
    for (InetAddress a : desired) {
      if (!kernel.containsKey(a)) {
        add.add(a);
        owned.add(a);
      }
    }
    List<InetAddress> delete = new ArrayList<>();
    Set<InetAddress> foreign = new HashSet<>();
    kernel.forEach((a, protocol) -> {
      if (!managed.test(a)) {
        return; // never ours to judge
      }
      if (!ours.test(protocol)) {
        foreign.add(a);
      } else if (desired.contains(a) || !dockerKnown) {
        owned.add(a);
      } else {
        delete.add(a);
      }
    });
    return new ProxyDiff(add, delete, owned, foreign);
  }

  boolean isEmpty() {
    return toAdd.isEmpty() && toDelete.isEmpty();
  }
}
