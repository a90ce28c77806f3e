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

  /** The first step: every container needs an image. Immutable; thread-safe. */
  public static final class ImageStep {
    private final EngineClient engine;
    private final String name;

    ImageStep(EngineClient engine, String name) {
      this.engine = engine;
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * The image the container runs; it must be on the Engine already (nothing is pulled).
     *
     * @param reference name:tag or id
     * @return the draft, ready for options, {@link #create()} or {@link #start()}
     * @throws NullPointerException if {@code reference} is null
     */
    public ContainerDraft image(String reference) {
      return new ContainerDraft(engine, name, Objects.requireNonNull(reference, "reference"));
    }
  }

  private ContainerDraft(EngineClient engine, String name, String image) {
    this.engine = engine;
    this.name = name;
    this.image = image;
  }

  /**
   * The command (replaces the image's CMD).
   *
   * @param args the program and its arguments; none keeps the image's CMD
   * @return this draft
   */
  public ContainerDraft command(String... args) {
    command.clear();
    command.addAll(List.of(args));
    return this;
  }

  /**
   * The command (replaces the image's CMD).
   *
   * @param args the program and its arguments; empty keeps the image's CMD
   * @return this draft
   */
  public ContainerDraft command(List<String> args) {
    command.clear();
    command.addAll(args);
    return this;
  }

  /**
   * Sets an environment variable in the container; a second call for the same key replaces it.
   *
   * @param key the variable's name
   * @param value its value
   * @return this draft
   */
  public ContainerDraft env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /**
   * Publishes a TCP port on every host address (IPv4 and IPv6) at the given host port.
   *
   * @param hostPort the port on the host, 1 to 65535 (0 lets Docker pick one)
   * @param containerPort the port inside the container
   * @return this draft
   */
  public ContainerDraft publish(int hostPort, int containerPort) {
    publish.add(new ContainerSpec.Publish("", hostPort, containerPort, "tcp"));
    return this;
  }

  /**
   * Publishes a port on one host address ({@code ::}, {@code 0.0.0.0} or a specific one).
   *
   * @param hostIp the host address to listen on; "" for every address
   * @param hostPort the port on the host (0 lets Docker pick one)
   * @param containerPort the port inside the container
   * @param protocol "tcp", "udp" or "sctp"
   * @return this draft
   */
  public ContainerDraft publish(String hostIp, int hostPort, int containerPort, String protocol) {
    publish.add(new ContainerSpec.Publish(hostIp, hostPort, containerPort, protocol));
    return this;
  }

  /**
   * The network to start on (Docker's default bridge otherwise).
   *
   * @param networkName a network's name or id; null for the default bridge
   * @return this draft
   */
  public ContainerDraft network(String networkName) {
    this.network = networkName;
    return this;
  }

  /**
   * The container's host name (Docker uses the short id otherwise).
   *
   * @param name the host name; null for Docker's default
   * @return this draft
   */
  public ContainerDraft hostname(String name) {
    this.hostname = name;
    return this;
  }

  /**
   * How long {@code docker stop} (and dockerd's own shutdown) waits before SIGKILL.
   *
   * @param timeout whole seconds count; null for Docker's default (10 s)
   * @return this draft
   */
  public ContainerDraft stopTimeout(Duration timeout) {
    this.stopTimeout = timeout;
    return this;
  }

  /**
   * Adds a label to the container (Sixkit marks what it creates with these).
   *
   * @param key the label's key
   * @param value its value
   * @return this draft
   */
  public ContainerDraft label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  /**
   * Creates the container, not started.
   *
   * @return the container as the Engine reports it
   * @throws DockerException CONFLICT when the name is taken, NOT_FOUND when the image or network is
   *     missing, BAD_REQUEST for settings the Engine refuses
   */
  public Container create() {
    return engine.create(new ContainerSpec(name, image, command, env, publish, network, hostname, stopTimeout, labels));
  }

  /**
   * Creates and starts the container.
   *
   * @return the container, running
   * @throws DockerException as {@link #create()}, or FAILED when it cannot start (the created
   *     container is left in place)
   */
  public Container start() {
    return engine.start(create().id());
  }
}
