package dev.sixkit.docker;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Host;
import dev.sixkit.host.KernelHost;
import dev.sixkit.internal.docker.DockerReads;
import dev.sixkit.internal.docker.EngineReader;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Chooses how a long-running watcher reads a host's Docker: the lean {@link EngineReader} when the
 * host reaches its Engine directly (a unix socket or plain TCP; keeps docker-java and Jackson out of
 * the process), the host's docker-java facade otherwise (an SSH host's forwarded socket). Stateless; thread-safe.
 */
public final class HostDockerReads {
  private HostDockerReads() {}

  /** Connects now; the caller closes what it gets. Fails with a {@link DockerException} naming the endpoint. */
  public static DockerReads open(Host host) {
    if (host instanceof KernelHost k) {
      // Always the lean reader here, even to say an endpoint is unusable: a sync process on the
      // lean class path has no docker-java to fall back on.
      if (k.dockerEndpoint() == null) {
        throw new SixkitException("read Docker", host.name(), "no Docker endpoint: give one with Host.netns(\""
            + host.name() + "\", \"unix:///path/docker.sock\")");
      }
      return EngineReader.open(k.dockerEndpoint());
    }
    Docker d = host.docker();
    return new DockerReads() {
      @Override
      public String endpoint() {
        return d.endpoint();
      }

      @Override
      public List<Container> containers() {
        return d.containers();
      }

      @Override
      public Optional<Container> findContainer(String nameOrId) {
        return d.findContainer(nameOrId);
      }

      @Override
      public List<DockerNetwork> networks() {
        return d.networks();
      }

      @Override
      public DockerEvent.Stream events(Instant since, DockerEvent.Listener listener) {
        return d.events(since, listener);
      }

      @Override
      public void close() {
        // the facade belongs to the host
      }
    };
  }
}
