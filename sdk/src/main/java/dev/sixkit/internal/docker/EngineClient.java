package dev.sixkit.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateNetworkCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonConfig;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerException.Reason;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.host.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place docker-java is used: one Engine endpoint, API version negotiated from GET
 * /version, every answer turned into Sixkit records and every failure into a {@link
 * DockerException} naming the endpoint and the object. Thread-safe (docker-java's client and the
 * zerodep transport are).
 */
public final class EngineClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration NEGOTIATION_TIMEOUT = Duration.ofSeconds(10);
  /** Deadline of a read (list, inspect, info): an Engine that accepts and stalls fails it instead of hanging plan() or the doctor. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
  /** Runs reads so their deadline holds on unix sockets too ({@link #read}); daemon threads, shut down on close. */
  private final java.util.concurrent.ExecutorService deadlines = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sixkit-docker-read");
    t.setDaemon(true);
    return t;
  });

  private final String endpoint;
  private final DockerHttpClient http;
  private final DockerClient client;
  private final String apiVersion;
  private final String serverApiVersion;

  private EngineClient(String endpoint, DockerHttpClient http, DockerClient client, String apiVersion,
      String serverApiVersion) {
    this.endpoint = endpoint;
    this.http = http;
    this.client = client;
    this.apiVersion = apiVersion;
    this.serverApiVersion = serverApiVersion;
  }

  /** Normalises an endpoint: a bare path is a unix socket. */
  public static String normalize(String endpoint) {
    return EngineApi.normalize(endpoint);
  }

  /**
   * Connects to an endpoint (unix:///path, /path, tcp://host:port) and negotiates the API
   * version: the lower of the Engine's and {@value EngineApi#CLIENT_MAX_API}.
   */
  public static EngineClient open(String rawEndpoint) {
    String endpoint = normalize(rawEndpoint);
    EngineApi.address(endpoint); // a usable endpoint (and an existing socket), or a clear failure
    URI uri = URI.create(endpoint);
    DockerJavaLogs.ensureQuiet(); // before docker-java's first logger
    // Negotiate through the lean client, whose deadline holds on unix sockets too (docker-java's
    // response timeout does not there): an Engine that accepts and never answers fails here.
    java.util.Map<String, Object> version = EngineReader.version(endpoint, NEGOTIATION_TIMEOUT);
    DockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(uri).maxConnections(32)
        .connectionTimeout(CONNECT_TIMEOUT).build();
    try {
      String server = String.valueOf(version.getOrDefault("ApiVersion", ""));
      Object min = version.get("MinAPIVersion");
      String negotiated = EngineApi.negotiate(endpoint, server, min == null ? null : min.toString());
      DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
          .withDockerHost(endpoint).withApiVersion(negotiated).withDockerTlsVerify(false).build();
      DockerClient client = DockerClientImpl.getInstance(config, http);
      LOG.debug("connected to {}: Engine API {}, using {}", endpoint, server, negotiated);
      return new EngineClient(endpoint, http, client, negotiated, server);
    } catch (RuntimeException e) {
      closeQuietly(http);
      throw e;
    }
  }

  private static JsonNode getJson(DockerHttpClient http, String endpoint, String path) {
    DockerHttpClient.Request req = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
        .path(path).build();
    try (DockerHttpClient.Response r = http.execute(req)) {
      byte[] body = r.getBody().readAllBytes();
      if (r.getStatusCode() != 200) {
        throw new DockerException(Reason.UNREACHABLE, endpoint, "connect to Docker", endpoint,
            "GET " + path + " answered " + r.getStatusCode() + ": " + new String(body, StandardCharsets.UTF_8).trim(),
            null);
      }
      return JSON.readTree(body);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DockerException de) {
        throw de;
      }
      throw new DockerException(Reason.UNREACHABLE, endpoint, "connect to Docker", endpoint,
          "no Docker Engine answers: " + EngineApi.rootMessage(e), e);
    }
  }

  /** docker-java's client, for the other classes of this package. */
  DockerClient client() {
    return client;
  }

  public String endpoint() {
    return endpoint;
  }

  public String apiVersion() {
    return apiVersion;
  }

  public String serverApiVersion() {
    return serverApiVersion;
  }

  // ---------------------------------------------------------------- reads

  public DaemonFacts daemon(DaemonConfig given) {
    Version v = read("read daemon version", null, () -> client.versionCmd().exec());
    Info info = read("read daemon info", null, () -> client.infoCmd().exec());
    Optional<DockerNetwork> bridge = findNetwork("bridge").filter(n -> "bridge".equals(n.driver()));
    return EngineReader.daemonFacts(nz(v.getVersion()), nz(v.getApiVersion()), nz(v.getMinAPIVersion()), apiVersion,
        nz(info.getOperatingSystem()), nz(info.getKernelVersion()), nz(info.getDriver()), info.getExperimentalBuild(),
        bridge, given);
  }

  public List<Container> containers() {
    List<com.github.dockerjava.api.model.Container> list =
        read("list containers", null, () -> client.listContainersCmd().withShowAll(true).exec());
    List<Container> out = new ArrayList<>();
    for (var c : list) {
      // A container removed between list and inspect is simply gone.
      findContainer(c.getId()).ifPresent(out::add);
    }
    out.sort(Comparator.comparing(Container::name));
    return out;
  }

  public Container container(String nameOrId) {
    return EngineMapping.toContainer(inspect(nameOrId));
  }

  public Optional<Container> findContainer(String nameOrId) {
    return EngineApi.unlessNotFound(() -> container(nameOrId));
  }

  InspectContainerResponse inspect(String nameOrId) {
    requireName("container", nameOrId);
    return read("inspect container", EngineApi.quote(nameOrId), () -> client.inspectContainerCmd(nameOrId).exec());
  }

  public List<DockerNetwork> networks() {
    List<Network> list = read("list networks", null, () -> client.listNetworksCmd().exec());
    List<DockerNetwork> out = new ArrayList<>();
    for (Network n : list) {
      findNetwork(n.getId()).ifPresent(out::add);
    }
    out.sort(Comparator.comparing(DockerNetwork::name));
    return out;
  }

  public DockerNetwork network(String nameOrId) {
    requireName("network", nameOrId);
    Network n = read("inspect network", EngineApi.quote(nameOrId), () -> client.inspectNetworkCmd().withNetworkId(nameOrId).exec());
    return EngineMapping.toNetwork(n);
  }

  public Optional<DockerNetwork> findNetwork(String nameOrId) {
    return EngineApi.unlessNotFound(() -> network(nameOrId));
  }

  public boolean imageExists(String reference) {
    requireName("image", reference);
    return EngineApi.unlessNotFound(() -> read("inspect image", EngineApi.quote(reference),
        () -> client.inspectImageCmd(reference).exec())).isPresent();
  }

  /**
   * Streams the Engine's container and network events from {@code since} on (or from now) to a
   * listener, on docker-java's stream thread. The stream ends (listener.onEnd) when closed, or
   * when the Engine goes away.
   */
  public dev.sixkit.docker.DockerEvent.Stream events(java.time.Instant since, dev.sixkit.docker.DockerEvent.Listener listener) {
    return EngineEvents.open(this, since, listener);
  }

  // ---------------------------------------------------------------- writes

  public Container create(ContainerSpec spec) {
    requireName("container", spec.name());
    requireName("image", spec.image());
    String id = call("create container", EngineApi.quote(spec.name()), () -> {
      CreateContainerCmd cmd = client.createContainerCmd(spec.image()).withName(spec.name());
      if (!spec.command().isEmpty()) {
        cmd.withCmd(spec.command());
      }
      if (!spec.env().isEmpty()) {
        cmd.withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
      }
      if (spec.hostname() != null) {
        cmd.withHostName(spec.hostname());
      }
      if (spec.stopTimeout() != null) {
        cmd.withStopTimeout((int) Math.max(0, spec.stopTimeout().toSeconds()));
      }
      if (!spec.labels().isEmpty()) {
        cmd.withLabels(spec.labels());
      }
      HostConfig hc = HostConfig.newHostConfig();
      if (spec.network() != null) {
        hc.withNetworkMode(spec.network());
      }
      if (!spec.publish().isEmpty()) {
        Ports ports = new Ports();
        List<ExposedPort> exposed = new ArrayList<>();
        for (ContainerSpec.Publish p : spec.publish()) {
          ExposedPort ep = new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol()));
          exposed.add(ep);
          String hostPort = p.hostPort() == 0 ? null : Integer.toString(p.hostPort());
          ports.bind(ep, new Ports.Binding(p.hostIp() == null || p.hostIp().isEmpty() ? null : p.hostIp(), hostPort));
        }
        cmd.withExposedPorts(exposed);
        hc.withPortBindings(ports);
      }
      cmd.withHostConfig(hc);
      return cmd.exec().getId();
    });
    LOG.debug("created container {} ({}) from {}", spec.name(), id, spec.image());
    return container(id);
  }

  /** Starts a container; a running one is left alone. Returns it as it is now. */
  public Container start(String nameOrId) {
    InspectContainerResponse r = inspect(nameOrId);
    try {
      call("start container", EngineApi.quote(nameOrId), () -> {
        client.startContainerCmd(r.getId()).exec();
        return null;
      });
    } catch (NotModifiedSignal already) {
      LOG.debug("container {} was already running", nameOrId);
    }
    return container(r.getId());
  }

  /** Stops a container (SIGTERM, then SIGKILL after the timeout); a stopped one is left alone. */
  public Container stop(String nameOrId, Duration timeout) {
    InspectContainerResponse r = inspect(nameOrId);
    try {
      call("stop container", EngineApi.quote(nameOrId), () -> {
        client.stopContainerCmd(r.getId()).withTimeout((int) Math.max(0, timeout.toSeconds())).exec();
        return null;
      });
    } catch (NotModifiedSignal already) {
      LOG.debug("container {} was not running", nameOrId);
    }
    return container(r.getId());
  }

  /** Removes a container, killing it first if it runs. */
  public void remove(String nameOrId) {
    requireName("container", nameOrId);
    call("remove container", EngineApi.quote(nameOrId), () -> {
      client.removeContainerCmd(nameOrId).withForce(true).withRemoveVolumes(true).exec();
      return null;
    });
  }

  public Container connect(String network, String container) {
    DockerNetwork n = network(network);
    InspectContainerResponse c = inspect(container);
    call("connect container", EngineApi.quote(container) + " to network " + EngineApi.quote(network), () -> {
      client.connectToNetworkCmd().withNetworkId(n.id()).withContainerId(c.getId()).exec();
      return null;
    });
    return container(c.getId());
  }

  public Container disconnect(String network, String container) {
    DockerNetwork n = network(network);
    InspectContainerResponse c = inspect(container);
    call("disconnect container", EngineApi.quote(container) + " from network " + EngineApi.quote(network), () -> {
      client.disconnectFromNetworkCmd().withNetworkId(n.id()).withContainerId(c.getId()).exec();
      return null;
    });
    return container(c.getId());
  }

  public DockerNetwork createNetwork(NetworkSpec spec) {
    requireName("network", spec.name());
    String id = call("create network", EngineApi.quote(spec.name()), () -> {
      CreateNetworkCmd cmd = client.createNetworkCmd().withName(spec.name()).withDriver(spec.driver())
          .withCheckDuplicate(true).withEnableIpv6(spec.ipv6());
      if (!spec.pools().isEmpty()) {
        List<Network.Ipam.Config> configs = new ArrayList<>();
        for (NetworkSpec.Pool p : spec.pools()) {
          Network.Ipam.Config c = new Network.Ipam.Config().withSubnet(p.subnet());
          if (p.gateway() != null) {
            c.withGateway(p.gateway());
          }
          configs.add(c);
        }
        cmd.withIpam(new Network.Ipam().withConfig(configs));
      }
      if (!spec.options().isEmpty()) {
        cmd.withOptions(spec.options());
      }
      return cmd.exec().getId();
    });
    return network(id);
  }

  public void removeNetwork(String nameOrId) {
    requireName("network", nameOrId);
    call("remove network", EngineApi.quote(nameOrId), () -> {
      client.removeNetworkCmd(nameOrId).exec();
      return null;
    });
  }

  public ExecResult exec(String container, List<String> command, Duration timeout) {
    return EngineExec.exec(this, container, command, timeout);
  }

  /**
   * Imports a root filesystem tar as an image (POST /images/create?fromSrc=-), with Dockerfile
   * instructions such as CMD applied ("changes"). Returns the image id.
   */
  public String importImage(String reference, InputStream tar, List<String> changes) {
    requireName("image", reference);
    try {
      return EngineImport.importImage(http, endpoint, apiVersion, reference, tar, changes);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DockerException d) {
        throw d;
      }
      throw translate("import image", EngineApi.quote(reference), e);
    }
  }

  public void removeImage(String reference) {
    requireName("image", reference);
    call("remove image", EngineApi.quote(reference), () -> {
      client.removeImageCmd(reference).withForce(true).exec();
      return null;
    });
  }

  @Override
  public void close() {
    closeQuietly(client);
    closeQuietly(http);
    deadlines.shutdownNow();
  }

  // ---------------------------------------------------------------- errors

  /** Thrown inside call() when the Engine answers 304: the change was already in place. */
  private static final class NotModifiedSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotModifiedSignal() {
      super(null, null, false, false);
    }
  }

  /**
   * A read within {@link #READ_TIMEOUT}, also on a unix socket (where docker-java's response
   * timeout does not hold): past it the caller gets a TIMEOUT failure naming the endpoint.
   */
  private <T> T read(String operation, String object, Supplier<T> body) {
    java.util.concurrent.Future<T> f;
    try {
      f = deadlines.submit(() -> call(operation, object, body));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new DockerException(Reason.UNREACHABLE, endpoint, operation, object, "the client is closed", e);
    }
    try {
      return f.get(READ_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      f.cancel(true);
      throw new DockerException(Reason.TIMEOUT, endpoint, operation, object,
          "the Docker Engine did not answer within " + READ_TIMEOUT.toSeconds() + " s", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new DockerException(Reason.FAILED, endpoint, operation, object, String.valueOf(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new DockerException(Reason.UNREACHABLE, endpoint, operation, object, "interrupted", e);
    }
  }

  <T> T call(String operation, String object, Supplier<T> body) {
    try {
      return body.get();
    } catch (NotModifiedException e) {
      throw new NotModifiedSignal();
    } catch (DockerException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translate(operation, object, e);
    }
  }

  private DockerException translate(String operation, String object, Exception e) {
    return EngineErrors.translate(endpoint, operation, object, e);
  }

  /** docker-java's messages look like 'Status 404: {"message":"No such container: x"}'. */
  static String serverMessage(String raw) {
    return EngineApi.serverMessage(raw);
  }

  private void requireName(String kind, String name) {
    EngineApi.requireName(endpoint, kind, name);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception e) {
      LOG.debug("close failed: {}", e.toString());
    }
  }
}
