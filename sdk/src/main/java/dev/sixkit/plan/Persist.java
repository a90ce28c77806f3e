package dev.sixkit.plan;

/**
 * Which settings a setup writes to files so they survive a reboot, and where.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param root the folder holding each host's etc/ ({host} is replaced by the host's name)
 * @param rootGiven whether the root was given (a namespace shares this machine's /etc and needs one)
 * @param sysctl write etc/sysctl.d/60-sixkit.conf (forwarding, proxy_ndp, proxy_delay)
 * @param daemonJson merge ipv6 and fixed-cidr-v6 into etc/docker/daemon.json (not fixed-cidr-v6
 *     for a host that declares networks: the plan's prefix is theirs), and on Docker 27+
 *     with routed networks or ip6tables the routed gateway mode for networks created later
 *     ({@code default-network-opts}, {@link EngineNeeds#DAEMON_JSON_ROUTED})
 * @param ipBatch write etc/sixkit/SETUP.ipbatch (routes or proxy entries for ip -batch at boot)
 */
public record Persist(String root, boolean rootGiven, boolean sysctl, boolean daemonJson, boolean ipBatch) {
  /**
   * The folder holding a host's etc/.
   *
   * @param host the host's name
   * @return the folder's path
   */
  public String rootOf(String host) {
    String r = root.replace("{host}", host);
    return r.endsWith("/") ? r.substring(0, r.length() - 1) : r;
  }
}
