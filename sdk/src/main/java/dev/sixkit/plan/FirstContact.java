package dev.sixkit.plan;

import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The uplink's neighbour parameters that make a proxied container answer its first ping at once.
 * The kernel answers a neighbour solicitation for a proxy entry after a random delay of up to
 * {@code proxy_delay} (in 1/100 s; 80 = 0.8 s by default) and queues at most {@code proxy_qlen}
 * of them meanwhile; with the delay at 0 it answers at once and queues nothing. Plans, the NDP
 * sync and the persistence files set the same values, so none of them undoes another.
 *
 * <p>Stateless; thread-safe.
 */
public final class FirstContact {
  /** Answer proxied solicitations at once. */
  public static final String PROXY_DELAY = "0";
  /** Queue room for solicitations should a delay be set again (the kernel's default, 64, kept as the floor). */
  public static final String PROXY_QLEN = "64";

  private FirstContact() {}

  /**
   * The sysctls, key to wanted value, for one uplink ({@code net.ipv6.neigh.DEV.proxy_delay}, ...).
   *
   * @param uplink the uplink's name
   * @return the sysctls in a fixed order
   */
  public static Map<String, String> sysctls(String uplink) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("net.ipv6.neigh." + uplink + ".proxy_delay", PROXY_DELAY);
    m.put("net.ipv6.neigh." + uplink + ".proxy_qlen", PROXY_QLEN);
    return m;
  }

  /**
   * Sets them on a host and returns what changed; a larger proxy_qlen an operator chose is kept
   * (only a smaller one is raised).
   *
   * @param host the host
   * @param uplink the uplink's name
   * @return one change per sysctl, UNCHANGED for those already so
   */
  public static List<Change> apply(Host host, String uplink) {
    List<Change> out = new ArrayList<>();
    for (Map.Entry<String, String> e : sysctls(uplink).entrySet()) {
      if (e.getKey().endsWith(".proxy_qlen")) {
        String now = host.sysctl(e.getKey()).trim();
        if (now.matches("\\d+") && Long.parseLong(now) >= Long.parseLong(e.getValue())) {
          out.add(Change.unchanged(host.name(), "sysctl " + e.getKey(), now));
          continue;
        }
      }
      out.add(host.sysctl(e.getKey(), e.getValue()));
    }
    return List.copyOf(out);
  }
}
