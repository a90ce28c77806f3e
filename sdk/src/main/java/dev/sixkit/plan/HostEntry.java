package dev.sixkit.plan;

import java.util.List;

/**
 * One host of a validated {@code Setup}.
 *
 * @param name the host's name in the setup (docker1)
 * @param connector how it is reached
 * @param uplink the interface facing the other hosts
 * @param address its underlay address, or null to read it from the uplink
 * @param docker its Docker endpoint, or null for the connector's default (none for a namespace)
 * @param prefix its explicit Docker prefix, or null (planned by the split)
 * @param web the containers verify() uses, or empty for all in the host's prefix
 * @param declaredAt where the script declared it ("routed.groovy:5"), or ""
 *
 * <p>Immutable record; thread-safe.
 */
public record HostEntry(String name, HostConnector connector, String uplink, String address, String docker,
    String prefix, List<String> web, String declaredAt) {
  public HostEntry {
    web = List.copyOf(web);
  }

  @Override
  public String toString() {
    return name + " (" + connector.describe() + ", uplink " + uplink + (address != null ? ", " + address : "")
        + (docker != null ? ", docker " + docker : "") + (prefix != null ? ", prefix " + prefix : "") + ")";
  }
}
