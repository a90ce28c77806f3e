package dev.sixkit.dsl;

import dev.sixkit.plan.Persist;

/**
 * Which settings a setup writes to files so they survive a reboot, and where:
 *
 * <pre>{@code
 * persist {
 *   root '/var/lib/sixkit/demo/{host}'   // default '/': the host's own /etc
 *   sysctl true        // etc/sysctl.d/60-sixkit.conf: forwarding, proxy_ndp, proxy_delay
 *   daemonJson true    // etc/docker/daemon.json: ipv6 and fixed-cidr-v6 merged in
 *   ipBatch true       // etc/sixkit/SETUP.ipbatch: the routes or proxy entries, for ip -batch at boot
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one script fills it.
 */
public final class PersistSpec {
  private String root = "/";
  private boolean sysctl = true;
  private boolean daemonJson = true;
  private boolean ipBatch = true;
  private boolean rootGiven;

  PersistSpec() {}

  /**
   * {@code root '/path/{host}'}: the folder holding each host's etc/ ({host} is replaced by the host's name;
   * default '/').
   *
   * @param folder an absolute folder
   * @return this block
   * @throws DslException when the folder is not absolute
   */
  @Word(value = "root '/path/{host}'", help = "the folder holding each host's etc/ ({host} is the host's name; default '/')")
  public PersistSpec root(String folder) {
    if (folder == null || !folder.startsWith("/")) {
      throw new DslException("persist: root must be an absolute folder such as '/var/lib/sixkit/{host}', not '" + folder + "'");
    }
    this.root = folder;
    this.rootGiven = true;
    return this;
  }

  /**
   * {@code sysctl true}: write etc/sysctl.d/60-sixkit.conf (forwarding, proxy_ndp, proxy_delay).
   *
   * @param on whether to write it
   * @return this block
   */
  @Word(value = "sysctl true", help = "write etc/sysctl.d/60-sixkit.conf (forwarding, proxy_ndp, proxy_delay)")
  public PersistSpec sysctl(boolean on) {
    this.sysctl = on;
    return this;
  }

  /**
   * {@code daemonJson true}: merge ipv6 and fixed-cidr-v6 into etc/docker/daemon.json.
   *
   * @param on whether to write it
   * @return this block
   */
  @Word(value = "daemonJson true", help = "merge ipv6 and fixed-cidr-v6 into etc/docker/daemon.json")
  public PersistSpec daemonJson(boolean on) {
    this.daemonJson = on;
    return this;
  }

  /**
   * {@code ipBatch true}: write etc/sixkit/SETUP.ipbatch (routes or proxy entries for {@code ip -batch} at
   * boot).
   *
   * @param on whether to write it
   * @return this block
   */
  @Word(value = "ipBatch true", help = "write etc/sixkit/SETUP.ipbatch (routes or proxy entries for ip -batch at boot)")
  public PersistSpec ipBatch(boolean on) {
    this.ipBatch = on;
    return this;
  }

  /**
   * The settings described.
   *
   * @return the persist settings
   */
  public Persist build() {
    return new Persist(root, rootGiven, sysctl, daemonJson, ipBatch);
  }
}
