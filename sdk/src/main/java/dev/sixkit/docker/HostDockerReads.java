package dev.sixkit.docker;

import dev.sixkit.SixkitException;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.internal.docker.DockerReads;
import dev.sixkit.internal.docker.EngineReader;

/**
 * How a long-running watcher reads a netlink host's Docker: the lean {@link EngineReader} over the
 * host's own endpoint (a unix socket or plain TCP), which keeps docker-java and Jackson out of the
 * process. Stateless; thread-safe.
 *
 * <p>Not meant as API: public for the NDP proxy sync ({@code dev.sixkit.sync}), and it returns an
 * internal type. Use {@link Docker} instead.
 */
public final class HostDockerReads {
  private HostDockerReads() {}

  /**
   * Connects now to the host's Docker endpoint.
   *
   * @param host a host with a Docker endpoint
   * @return the reader; the caller closes it
   * @throws SixkitException if the host has no Docker endpoint
   * @throws DockerException UNREACHABLE naming the endpoint when nothing answers there
   */
  public static DockerReads open(NetlinkHost host) {
    // Always the lean reader, even to say an endpoint is unusable: a sync process on the lean
    // class path has no docker-java to fall back on.
    if (host.dockerEndpoint() == null) {
      throw new SixkitException("read Docker", host.name(), "no Docker endpoint: give one with Host.netns(\""
          + host.name() + "\", \"unix:///path/docker.sock\")");
    }
    return EngineReader.open(host.dockerEndpoint());
  }
}
