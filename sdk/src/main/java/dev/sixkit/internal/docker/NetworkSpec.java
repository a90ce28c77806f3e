package dev.sixkit.internal.docker;

import java.util.List;
import java.util.Map;

/** What a network is created with (see dev.sixkit.docker.NetworkDraft). Immutable; thread-safe. */
public record NetworkSpec(String name, String driver, boolean ipv6, List<Pool> pools, Map<String, String> options) {

  /** One IPAM pool: a prefix and an optional gateway (null: Docker picks). */
  public record Pool(String subnet, String gateway) {}

  public NetworkSpec {
    pools = List.copyOf(pools);
    options = Map.copyOf(options);
  }
}
