package dev.sixkit.internal.docker;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a container is created with (see dev.sixkit.docker.ContainerDraft). Immutable; thread-safe. */
public record ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
    List<Publish> publish, String network, String hostname, Duration stopTimeout, Map<String, String> labels) {

  /** One port to publish: host address ("" for Docker's default), host port (0: any), container port. */
  public record Publish(String hostIp, int hostPort, int containerPort, String protocol) {}

  public ContainerSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    publish = List.copyOf(publish);
    labels = Map.copyOf(labels);
  }
}
