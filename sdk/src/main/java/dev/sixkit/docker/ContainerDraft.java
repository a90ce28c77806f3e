package dev.sixkit.docker;

import dev.sixkit.internal.docker.ContainerSpec;
import dev.sixkit.internal.docker.EngineClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container being described before {@link #create()} or {@link #start()}: reached through
 * {@code docker.newContainer(name).image(ref)}.
 *
 * <p>Not thread-safe: build it in one thread.
 */
public final class ContainerDraft {
  private final EngineClient engine;
  private final String name;
  private final String image;
  private final List<String> command = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<ContainerSpec.Publish> publish = new ArrayList<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private String network;
  private String hostname;
  private Duration stopTimeout;

  /** The first step: every container needs an image. */
  public static final class ImageStep {
    private final EngineClient engine;
    private final String name;

    ImageStep(EngineClient engine, String name) {
      this.engine = engine;
      this.name = Objects.requireNonNull(name, "name");
    }

    public ContainerDraft image(String reference) {
      return new ContainerDraft(engine, name, Objects.requireNonNull(reference, "reference"));
    }
  }

  private ContainerDraft(EngineClient engine, String name, String image) {
    this.engine = engine;
    this.name = name;
    this.image = image;
  }

  /** The command (replaces the image's CMD). */
  public ContainerDraft command(String... args) {
    command.clear();
    command.addAll(List.of(args));
    return this;
  }

  /** The command (replaces the image's CMD). */
  public ContainerDraft command(List<String> args) {
    command.clear();
    command.addAll(args);
    return this;
  }

  public ContainerDraft env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Publishes a TCP port on every host address (IPv4 and IPv6) at the given host port. */
  public ContainerDraft publish(int hostPort, int containerPort) {
    publish.add(new ContainerSpec.Publish("", hostPort, containerPort, "tcp"));
    return this;
  }

  /** Publishes a port on one host address ({@code ::}, {@code 0.0.0.0} or a specific one). */
  public ContainerDraft publish(String hostIp, int hostPort, int containerPort, String protocol) {
    publish.add(new ContainerSpec.Publish(hostIp, hostPort, containerPort, protocol));
    return this;
  }

  /** The network to start on (Docker's default bridge otherwise). */
  public ContainerDraft network(String networkName) {
    this.network = networkName;
    return this;
  }

  public ContainerDraft hostname(String name) {
    this.hostname = name;
    return this;
  }

  /** How long {@code docker stop} (and dockerd's own shutdown) waits before SIGKILL. */
  public ContainerDraft stopTimeout(Duration timeout) {
    this.stopTimeout = timeout;
    return this;
  }

  public ContainerDraft label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  /** Creates the container, not started. */
  public Container create() {
    return engine.create(new ContainerSpec(name, image, command, env, publish, network, hostname, stopTimeout, labels));
  }

  /** Creates and starts the container; returns it running. */
  public Container start() {
    return engine.start(create().id());
  }
}
