package dev.sixkit.host;

import dev.sixkit.netlink.Netlink;

/**
 * A host whose kernel this process reaches through netlink: this machine ({@link Host#connect()})
 * or a network namespace here ({@link Host#netns(String)}). Besides what every {@link Host} offers,
 * it hands out its netlink client (kernel events, multicast membership, bulk proxy writes) and the
 * Docker endpoint it reads directly: what a long-running watcher such as the NDP proxy sync needs.
 * A capability as a type, so that code that needs it says so in its signature.
 *
 * <p>Implementations are thread-safe.
 */
public interface NetlinkHost extends Host {
  /**
   * The netlink client bound to this host's network namespace.
   *
   * @return the client; owned by the host (closed with it), never null
   */
  Netlink netlink();

  /**
   * The Docker Engine endpoint this host's Docker is read from.
   *
   * @return {@code unix:///path}, a socket path or DOCKER_HOST's value; null when none was given
   */
  String dockerEndpoint();
}
