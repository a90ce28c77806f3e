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

  /**
   * The IPv6 address of a container's endpoint on one network, as the network's inspect shows it
   * (no container lock: Docker creates the endpoint while starting the container, before its start
   * event). Empty when the network has no such endpoint or it has no IPv6 address.
   */
  Optional<inet.ipaddr.ipv6.IPv6Address> endpointIpv6(String networkId, String containerId);

  List<DockerNetwork> networks();

  DockerEvent.Stream events(Instant since, DockerEvent.Listener listener);

  @Override
  void close();
}
