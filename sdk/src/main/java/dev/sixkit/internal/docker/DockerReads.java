package dev.sixkit.internal.docker;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.DockerEvent;
import dev.sixkit.docker.DockerNetwork;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The Docker reads a long-running watcher needs, whichever client serves them: the lean {@link
 * EngineReader} on unix sockets, docker-java's client otherwise. Implementations are thread-safe.
 */
public interface DockerReads extends AutoCloseable {
  String endpoint();

  List<Container> containers();

  Optional<Container> findContainer(String nameOrId);

  /**
   * One container by id as the Engine's container list shows it: without the container's lock, so
   * an answer never waits for that container's start, stop or removal to finish (an inspect does).
   */
  Optional<Container> listedContainer(String id);

  List<DockerNetwork> networks();

  DockerEvent.Stream events(Instant since, DockerEvent.Listener listener);

  @Override
  void close();
}
