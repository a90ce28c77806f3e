package dev.sixkit.docker;

import dev.sixkit.SixkitException;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.internal.docker.DockerReads;
import dev.sixkit.internal.docker.EngineReader;

/**
 * How a long-running watcher reads a netlink host's Docker: the lean {@link EngineReader} over the
 * host's own endpoint (a unix socket or plain TCP), which keeps docker-java and Jackson out of the
 * process. Stateless; thread-safe.
 */
public final class HostDockerReads {
  private HostDockerReads() {}

  /** Connects now; the caller closes what it gets. Fails with a {@link DockerException} naming the endpoint. */
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
