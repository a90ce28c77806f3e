package dev.sixkit.docker;

import dev.sixkit.host.ExecResult;
import dev.sixkit.internal.docker.EngineApi;
import dev.sixkit.internal.docker.EngineClient;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Docker Engine, reached at an endpoint (a unix socket or DOCKER_HOST). The API version is
 * negotiated when connecting: the lower of what the Engine answers on GET /version and the
 * newest this client knows (never docker-java's default, which dockerd 20.10 refuses).
 *
 * <p>Reads return immutable records: {@link #containers()}, {@link #networks()}, {@link
 * #daemon()}. Writes: containers ({@link #newContainer}, {@link #start}, {@link #stop}, {@link
 * #remove}), networks ({@link #newNetwork}, {@link #connectNetwork}, {@link
 * #disconnectNetwork}), {@link #exec} and {@link #importImage}. Every failure is a {@link
 * DockerException} naming the endpoint and the object.
 *
 * <p>Thread-safe: one instance may be shared; {@link #close()} it when done.
 */
public final class Docker implements AutoCloseable {
  /** Where Docker listens when DOCKER_HOST is not set. */
  public static final String DEFAULT_ENDPOINT = "unix:///var/run/docker.sock";
  private static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofSeconds(60);

  private final EngineClient engine;

  private Docker(EngineClient engine) {
    this.engine = engine;
  }

  /**
   * The Engine at DOCKER_HOST, or at {@value #DEFAULT_ENDPOINT} when it is not set.
   *
   * @return a connected client; the caller closes it
   * @throws DockerException UNREACHABLE naming the endpoint when nothing answers there
   */
  public static Docker connect() {
    String env = System.getenv("DOCKER_HOST");
    return connect(env == null || env.isBlank() ? DEFAULT_ENDPOINT : env);
  }

  /**
   * The Engine at an endpoint: unix:///path, a bare socket path, or tcp://host:port.
   *
   * @param endpoint where the Engine listens
   * @return a connected client, its API version negotiated; the caller closes it
   * @throws DockerException UNREACHABLE naming the endpoint when nothing answers there,
   *     UNSUPPORTED when the Engine's API is too old
   */
  public static Docker connect(String endpoint) {
    return new Docker(EngineClient.open(endpoint));
  }

  /**
   * The Engine listening on a unix socket.
   *
   * @param socket the socket file; a relative path is made absolute
   * @return a connected client; the caller closes it
   * @throws DockerException UNREACHABLE naming the endpoint when nothing answers there
   */
  public static Docker connect(Path socket) {
    return connect("unix://" + socket.toAbsolutePath());
  }

  /**
   * Where this client talks to.
   *
   * @return the endpoint, such as unix:///run/sixkit/lab/demo/docker1/docker.sock
   */
  public String endpoint() {
    return engine.endpoint();
  }

  /**
   * The API version this client speaks to the Engine (negotiated when connecting).
   *
   * @return a version such as "1.41"
   */
  public String apiVersion() {
    return engine.apiVersion();
  }

  // ---------------------------------------------------------------- reads

  /**
   * The daemon's version and IPv6 setup, with Docker's defaults where the Engine says nothing.
   *
   * @return the facts, read now
   */
  public DaemonFacts daemon() {
    return engine.daemon(DaemonConfig.none());
  }

  /**
   * The daemon's version and IPv6 setup; settings the Engine API does not report
   * (userland-proxy, ip6tables...) come from the command line or daemon.json given.
   *
   * @param given what is known of the daemon's configuration; {@link DaemonConfig#none()} for nothing
   * @return the facts, read now
   * @throws NullPointerException if {@code given} is null
   */
  public DaemonFacts daemon(DaemonConfig given) {
    return engine.daemon(Objects.requireNonNull(given, "given"));
  }

  /**
   * Every container, running or not.
   *
   * @return the containers sorted by name; empty when there are none
   */
  public List<Container> containers() {
    return engine.containers();
  }

  /**
   * A container by name or id.
   *
   * @param nameOrId a name (with or without the leading slash) or a full or short id
   * @return the container as it is now
   * @throws DockerException NOT_FOUND naming it when there is none
   */
  public Container container(String nameOrId) {
    return engine.container(nameOrId);
  }

  /**
   * A container by name or id, if there is one.
   *
   * @param nameOrId a name or a full or short id
   * @return the container; empty when there is none
   */
  public Optional<Container> findContainer(String nameOrId) {
    return engine.findContainer(nameOrId);
  }

  /**
   * The ports a container publishes on the host, one entry per host address ({@code ::} too).
   *
   * @param container name or id
   * @return the published ports; empty when it publishes none
   * @throws DockerException NOT_FOUND naming it when there is no such container
   */
  public List<PublishedPort> ports(String container) {
    return engine.container(container).ports();
  }

  /**
   * Every network, the predefined bridge, host and none included.
   *
   * @return the networks sorted by name
   */
  public List<DockerNetwork> networks() {
    return engine.networks();
  }

  /**
   * A network by name or id.
   *
   * @param nameOrId a name or a full or short id
   * @return the network as it is now
   * @throws DockerException NOT_FOUND naming it when there is none
   */
  public DockerNetwork network(String nameOrId) {
    return engine.network(nameOrId);
  }

  /**
   * A network by name or id, if there is one.
   *
   * @param nameOrId a name or a full or short id
   * @return the network; empty when there is none
   */
  public Optional<DockerNetwork> findNetwork(String nameOrId) {
    return engine.findNetwork(nameOrId);
  }

  /**
   * Whether the Engine holds an image.
   *
   * @param reference name:tag (tag "latest" when left out) or id
   * @return true when the image is there
   */
  public boolean imageExists(String reference) {
    return engine.imageExists(reference);
  }

  /**
   * Streams container and network events (start, die, destroy, connect, disconnect, ...) from
   * now on to {@code listener}, on a thread of the stream's own, until the stream is closed or
   * the Engine goes away ({@link DockerEvent.Listener#onEnd} says which).
   *
   * @param listener called for each event, in order, on the stream's thread
   * @return the open stream; close it to stop
   * @throws NullPointerException if {@code listener} is null
   */
  public DockerEvent.Stream events(DockerEvent.Listener listener) {
    return engine.events(null, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * {@link #events(DockerEvent.Listener)} replaying the events since an instant first.
   *
   * @param since where to start (the Engine keeps a limited history); null for now
   * @param listener called for each event, in order, on the stream's thread
   * @return the open stream; close it to stop
   * @throws NullPointerException if {@code listener} is null
   */
  public DockerEvent.Stream events(java.time.Instant since, DockerEvent.Listener listener) {
    return engine.events(since, Objects.requireNonNull(listener, "listener"));
  }

  // ---------------------------------------------------------------- writes

  /**
   * Starts describing a container: {@code newContainer("web1").image("sixkit/web:1").start()}.
   * Nothing is sent until the draft is created or started.
   *
   * @param name the container's name
   * @return the first step, which takes the image
   */
  public ContainerDraft.ImageStep newContainer(String name) {
    return new ContainerDraft.ImageStep(engine, name);
  }

  /**
   * Starts describing a network: {@code newNetwork("v6").ipv6().subnet("fd00:1::/64").create()}.
   * Nothing is sent until {@link NetworkDraft#create()}.
   *
   * @param name the network's name
   * @return the draft
   */
  public NetworkDraft newNetwork(String name) {
    return new NetworkDraft(engine, name);
  }

  /**
   * Starts a container; one already running is left as it is.
   *
   * @param nameOrId name or id
   * @return the container as it is now
   * @throws DockerException NOT_FOUND when there is no such container, FAILED when it cannot start
   */
  public Container start(String nameOrId) {
    return engine.start(nameOrId);
  }

  /**
   * Stops a container (SIGTERM, then SIGKILL after the timeout); one already stopped is left as it is.
   *
   * @param nameOrId name or id
   * @param timeout how long it may take to end after SIGTERM, in whole seconds (0: kill at once)
   * @return the container as it is now
   * @throws DockerException NOT_FOUND when there is no such container
   */
  public Container stop(String nameOrId, Duration timeout) {
    return engine.stop(nameOrId, timeout);
  }

  /**
   * Removes a container and its anonymous volumes, killing it first when it runs.
   *
   * @param nameOrId name or id
   * @throws DockerException NOT_FOUND naming it when there is none
   */
  public void remove(String nameOrId) {
    engine.remove(nameOrId);
  }

  /**
   * Removes a container if there is one, as {@link #remove}.
   *
   * @param nameOrId name or id
   * @return whether there was one
   * @throws DockerException for any failure but NOT_FOUND
   */
  public boolean removeIfExists(String nameOrId) {
    return EngineApi.unlessNotFound(() -> {
      engine.remove(nameOrId);
      return true;
    }).orElse(false);
  }

  /**
   * Attaches a container to a network.
   *
   * @param network network name or id
   * @param container container name or id
   * @return the container as it is now, with its new attachment
   * @throws DockerException NOT_FOUND when either is missing; FAILED or CONFLICT from the Engine,
   *     for instance when it is attached already
   */
  public Container connectNetwork(String network, String container) {
    return engine.connect(network, container);
  }

  /**
   * Detaches a container from a network.
   *
   * @param network network name or id
   * @param container container name or id
   * @return the container as it is now
   * @throws DockerException NOT_FOUND when either is missing; the Engine's error when it is not
   *     attached
   */
  public Container disconnectNetwork(String network, String container) {
    return engine.disconnect(network, container);
  }

  /**
   * Removes a network.
   *
   * @param nameOrId name or id
   * @throws DockerException NOT_FOUND when there is none, CONFLICT while containers are attached
   */
  public void removeNetwork(String nameOrId) {
    engine.removeNetwork(nameOrId);
  }

  /**
   * Runs a command in a running container and waits (at most a minute) for it to end.
   *
   * @param container name or id
   * @param command the program and its arguments (no shell: give {@code "sh", "-c", LINE} for one)
   * @return its output and exit code
   * @throws DockerException BAD_REQUEST without command, NOT_FOUND without container, TIMEOUT
   *     after a minute
   */
  public ExecResult exec(String container, String... command) {
    return engine.exec(container, List.of(command), DEFAULT_EXEC_TIMEOUT);
  }

  /**
   * Runs a command in a running container, capturing stdout, stderr and the exit code.
   *
   * @param container name or id
   * @param timeout how long to wait for it to end
   * @param command the program and its arguments; not empty
   * @return its output and exit code
   * @throws DockerException TIMEOUT when it has not ended within the timeout, BAD_REQUEST without
   *     command, NOT_FOUND without container
   */
  public ExecResult exec(String container, Duration timeout, List<String> command) {
    return engine.exec(container, List.copyOf(command), timeout);
  }

  /**
   * Imports a root filesystem tar as an image named {@code reference} (such as sixkit/web:1),
   * applying Dockerfile instructions such as {@code CMD ["httpd","-f"]}.
   *
   * @param reference repository[:tag]; tag "latest" when left out
   * @param tar the uncompressed tar, read to its end; the caller closes it
   * @param changes Dockerfile instructions to apply; may be empty
   * @return the image id (sha256:...)
   * @throws DockerException BAD_REQUEST or FAILED with the Engine's message
   */
  public String importImage(String reference, InputStream tar, List<String> changes) {
    return engine.importImage(reference, tar, List.copyOf(changes));
  }

  /**
   * Removes an image (forcefully: tags and stopped containers' references go too).
   *
   * @param reference name:tag or id
   * @throws DockerException NOT_FOUND when there is none
   */
  public void removeImage(String reference) {
    engine.removeImage(reference);
  }

  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "Docker " + endpoint() + " (API " + apiVersion() + ")";
  }
}
