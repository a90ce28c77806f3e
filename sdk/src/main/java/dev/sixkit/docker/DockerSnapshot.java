package dev.sixkit.docker;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a plan reads of a host's Docker Engine, at one go ({@link dev.sixkit.host.Host#dockerSnapshot}):
 * over SSH a few pipelined requests on one channel instead of a client and a connection per request.
 *
 * @param daemon the daemon's version and IPv6 setup, as {@link Docker#daemon()}
 * @param containers every container, running or not, sorted by name, as {@link Docker#containers()}
 * @param networks every network sorted by name, as {@link Docker#networks()}, when they were asked for
 *
 * <p>Immutable record; thread-safe.
 */
public record DockerSnapshot(DaemonFacts daemon, List<Container> containers, Optional<List<DockerNetwork>> networks) {
  /**
   * Copies the lists.
   *
   * @param daemon the daemon's facts
   * @param containers the containers, sorted by name
   * @param networks the networks sorted by name, when they were asked for
   */
  public DockerSnapshot {
    Objects.requireNonNull(daemon, "daemon");
    containers = List.copyOf(containers);
    networks = networks.map(List::copyOf);
  }
}
