package dev.sixkit.plan;

import dev.sixkit.host.Host;

/**
 * Where a {@link SetupEngine} gets its live hosts ({@link SetupEngine#hosts(HostSource)}): opened
 * afresh by their connectors ({@link #direct()}, what an engine does unless told otherwise), or
 * lent by a {@link dev.sixkit.host.HostPool} that keeps SSH connections open between setups.
 *
 * <p>Implementations are thread-safe: an engine opens its hosts from several threads at once.
 */
public interface HostSource {
  /**
   * Opens (or lends) the host; the engine closes what it got when the engine is closed. Closing a
   * lent host gives it back to its lender instead of closing it.
   *
   * @param connector how the host is reached
   * @param hostName the name the setup gives the host (used in messages and changes)
   * @param dockerEndpoint the Docker endpoint, or null for the connector's default
   * @return the open host; the caller closes it when done
   */
  Host open(HostConnector connector, String hostName, String dockerEndpoint);

  /**
   * Every host opened afresh by its connector, and closed by its engine (what engines do by
   * default).
   *
   * @return the source; stateless
   */
  static HostSource direct() {
    return HostConnector::open;
  }
}
