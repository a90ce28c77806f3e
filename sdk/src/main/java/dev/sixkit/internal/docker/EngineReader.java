package dev.sixkit.internal.docker;

import static dev.sixkit.internal.docker.EngineApi.enc;
import static dev.sixkit.internal.docker.EngineApi.quote;
import static dev.sixkit.internal.docker.EngineApi.rootMessage;
import static dev.sixkit.internal.json.JsonParser.array;
import static dev.sixkit.internal.json.JsonParser.bool;
import static dev.sixkit.internal.json.JsonParser.number;
import static dev.sixkit.internal.json.JsonParser.object;
import static dev.sixkit.internal.json.JsonParser.strings;
import static dev.sixkit.internal.json.JsonParser.text;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.DockerEvent;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerException.Reason;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.doctor.Fact;
import dev.sixkit.docker.NetworkAttachment;
import dev.sixkit.docker.PublishedPort;
import dev.sixkit.internal.json.JsonParser;
import dev.sixkit.internal.os.Ips;
import dev.sixkit.plan.Subnet;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv6.IPv6Address;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lean read path to a Docker Engine (a unix socket, or plain TCP): containers, networks and the event
 * stream, as the same Sixkit records {@link dev.sixkit.docker.Docker} returns, over {@link EngineHttp} and
 * {@link JsonParser} (the JDK only). A long-running NDP sync reads Docker through this, so its
 * process never loads docker-java, Jackson or an HTTP library; everything else in Sixkit uses
 * docker-java. The API version is negotiated as {@link EngineClient} does (GET /version, at most
 * {@value EngineApi#CLIENT_MAX_API}), so both read the same fields.
 *
 * <p>Immutable after {@link #open}; thread-safe (every request has its own connection).
 */
public final class EngineReader implements DockerReads {
  private static final Logger LOG = LoggerFactory.getLogger(EngineReader.class);
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** Only what the sync follows: containers and their network attachments. */
  private static final String EVENT_FILTER = enc("{\"type\":[\"container\",\"network\"]}");

  private final String endpoint;
  private final EngineHttp http;
  private final String apiVersion;
  private final Duration timeout;

  private EngineReader(String endpoint, EngineHttp http, String apiVersion, Duration timeout) {
    this.endpoint = endpoint;
    this.http = http;
    this.apiVersion = apiVersion;
    this.timeout = timeout;
  }

  /** Whether an endpoint can be read this way: a unix socket, or plain TCP (tcp://host:port, no TLS). */
  public static boolean supports(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      return false;
    }
    String e = EngineApi.normalize(endpoint);
    return e.startsWith("unix://") || e.startsWith("tcp://");
  }

  /** Connects (GET /version) and negotiates the API version; fails naming the endpoint. */
  public static EngineReader open(String rawEndpoint) {
    return open(rawEndpoint, TIMEOUT);
  }

  /** {@link #open(String)} with another deadline for each request (and for an event stream's first answer). */
  public static EngineReader open(String rawEndpoint, Duration timeout) {
    String endpoint = EngineApi.normalize(rawEndpoint);
    EngineHttp http = new EngineHttp(EngineApi.address(endpoint));
    Map<String, Object> v = object(request(http, endpoint, "connect to Docker", endpoint, "/version", timeout));
    String negotiated = EngineApi.negotiate(endpoint, text(v, "ApiVersion"), text(v, "MinAPIVersion"));
    LOG.debug("reading {}: Engine API {}, using {}", endpoint, text(v, "ApiVersion"), negotiated);
    return new EngineReader(endpoint, http, negotiated, timeout);
  }

  /**
   * GET /version within the deadline: the lean client's deadline holds on unix sockets too, where
   * docker-java's response timeout does not (an Engine that accepts and never answers).
   */
  public static Map<String, Object> version(String rawEndpoint, Duration timeout) {
    String endpoint = EngineApi.normalize(rawEndpoint);
    EngineHttp http = new EngineHttp(EngineApi.address(endpoint));
    return object(request(http, endpoint, "connect to Docker", endpoint, "/version", timeout));
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  public String apiVersion() {
    return apiVersion;
  }

  // ---------------------------------------------------------------- reads

  /** Every container (running or not), inspected, sorted by name, as {@link dev.sixkit.docker.Docker#containers()}. */
  @Override
  public List<Container> containers() {
    Object answer = get("list containers", null, "/containers/json?all=1");
    List<Container> out = new ArrayList<>();
    for (Object o : answer instanceof List<?> l ? l : List.of()) {
      String id = text(object(o), "Id");
      if (!id.isEmpty()) {
        findContainer(id).ifPresent(out::add); // one removed between list and inspect is simply gone
      }
    }
    out.sort(Comparator.comparing(Container::name));
    return out;
  }

  /** One container by name or id; NOT_FOUND when there is none. */
  public Container container(String nameOrId) {
    requireName("container", nameOrId);
    return toContainer(object(get("inspect container", quote(nameOrId), "/containers/" + enc(nameOrId) + "/json")));
  }

  @Override
  public Optional<Container> findContainer(String nameOrId) {
    return EngineApi.unlessNotFound(() -> container(nameOrId));
  }

  /**
   * One container as the list shows it ({@code GET /containers/json} filtered by id): served from
   * the Engine's in-memory view without taking the container's lock, so it never waits for a start,
   * stop or {@code rm -f} of that container in progress (an inspect does). Empty when there is none.
   */
  @Override
  public Optional<Container> listedContainer(String id) {
    requireName("container", id);
    String filter = enc(dev.sixkit.internal.json.JsonWriter.pretty(Map.of("id", List.of(id))));
    Object answer = get("list container", quote(id), "/containers/json?all=1&filters=" + filter);
    for (Object o : answer instanceof List<?> l ? l : List.of()) {
      Map<String, Object> r = object(o);
      if (text(r, "Id").equals(id) || text(r, "Id").startsWith(id)) {
        return Optional.of(toListedContainer(r));
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<IPv6Address> endpointIpv6(String networkId, String containerId) {
    requireName("network", networkId);
    Optional<Map<String, Object>> n = EngineApi.unlessNotFound(
        () -> object(get("inspect network", quote(networkId), "/networks/" + enc(networkId))));
    return n.map(net -> object(object(net, "Containers"), containerId))
        .flatMap(ep -> Ips.ipv6(text(ep, "IPv6Address")));
  }

  /** Every network, sorted by name, as {@link dev.sixkit.docker.Docker#networks()}. */
  @Override
  public List<DockerNetwork> networks() {
    Object answer = get("list networks", null, "/networks");
    List<DockerNetwork> out = new ArrayList<>();
    for (Object o : answer instanceof List<?> l ? l : List.of()) {
      String id = text(object(o), "Id");
      if (id.isEmpty()) {
        continue;
      }
      // one removed between list and inspect is simply gone
      EngineApi.unlessNotFound(() -> toNetwork(object(get("inspect network", quote(id), "/networks/" + enc(id)))))
          .ifPresent(out::add);
    }
    out.sort(Comparator.comparing(DockerNetwork::name));
    return out;
  }

  /**
   * Streams container and network events (from {@code since} on, or from now) to the listener,
   * on a thread of its own. Returns once the Engine has accepted the subscription, so nothing
   * that happens after this returns is missed.
   */
  @Override
  public DockerEvent.Stream events(Instant since, DockerEvent.Listener listener) {
    String target = "/v" + apiVersion + "/events?filters=" + EVENT_FILTER
        + (since == null ? "" : "&since=" + since.getEpochSecond() + "." + String.format("%09d", since.getNano()));
    AtomicBoolean open = new AtomicBoolean(true);
    AtomicBoolean ended = new AtomicBoolean();
    EngineHttp.Stream s;
    try {
      s = http.stream(target, timeout, "sixkit-docker-events", line -> {
        if (open.get()) {
          toEvent(line).ifPresent(listener::onEvent);
        }
      }, failure -> {
        open.set(false);
        if (ended.compareAndSet(false, true)) {
          listener.onEnd(failure == null ? Optional.empty() : Optional.of(failure(Reason.UNREACHABLE, "read events",
              "", failure instanceof EOFException ? "the Engine closed the event stream" : rootMessage(failure), failure)));
        }
      });
    } catch (EngineHttp.HttpStatusException e) {
      throw failure(EngineApi.reasonOf(e.status()), "read events", "", EngineApi.serverMessage(e.body()), e);
    } catch (IOException e) {
      throw unreachable("read events", null, e);
    }
    return new DockerEvent.Stream() {
      @Override
      public boolean isOpen() {
        return open.get();
      }

      @Override
      public void close() {
        s.close();
      }
    };
  }

  @Override
  public void close() {
    // Nothing held between requests; streams are closed by their owners.
  }

  @Override
  public String toString() {
    return "EngineReader[" + endpoint + ", API " + apiVersion + "]";
  }

  // ---------------------------------------------------------------- mapping (mirrors EngineClient's)

  public static Container toContainer(Map<String, Object> r) {
    String name = text(r, "Name");
    if (name.startsWith("/")) {
      name = name.substring(1);
    }
    List<NetworkAttachment> nets = new ArrayList<>();
    List<PublishedPort> ports = new ArrayList<>();
    Map<String, Object> ns = object(r, "NetworkSettings");
    for (var e : new TreeMap<>(object(ns, "Networks")).entrySet()) {
      Map<String, Object> n = object(e.getValue());
      nets.add(new NetworkAttachment(e.getKey(), text(n, "NetworkID"), Ips.ipv6(text(n, "GlobalIPv6Address")),
          (int) number(n, "GlobalIPv6PrefixLen"), Ips.ipv6(text(n, "IPv6Gateway")), Ips.ipv4(text(n, "IPAddress")),
          (int) number(n, "IPPrefixLen"), Ips.ipv4(text(n, "Gateway")), text(n, "MacAddress")));
    }
    for (var e : object(ns, "Ports").entrySet()) {
      if (!(e.getValue() instanceof List<?> bindings)) {
        continue; // exposed, not published
      }
      String key = e.getKey();
      int slash = key.indexOf('/');
      int containerPort = parsePort(slash < 0 ? key : key.substring(0, slash));
      String protocol = slash < 0 ? "tcp" : key.substring(slash + 1);
      for (Object b : bindings) {
        Map<String, Object> binding = object(b);
        String ip = text(binding, "HostIp").isEmpty() ? "0.0.0.0" : text(binding, "HostIp");
        Optional<IPAddress> host = Ips.address(ip);
        if (host.isPresent()) {
          ports.add(new PublishedPort(containerPort, protocol, host.get(), parsePort(text(binding, "HostPort"))));
        }
      }
    }
    ports.sort(Comparator.comparingInt(PublishedPort::containerPort).thenComparing(PublishedPort::protocol)
        .thenComparing(p -> p.hostIp().isIPv6()).thenComparingInt(PublishedPort::hostPort));
    String state = text(object(r, "State"), "Status");
    Map<String, Object> config = object(r, "Config");
    String image = r.get("Config") instanceof Map ? text(config, "Image") : text(r, "Image");
    return new Container(text(r, "Id"), name, image, state, nets, ports);
  }

  /**
   * A daemon's facts from its raw {@code GET /version} and {@code GET /info} answers and its
   * default bridge (the network named bridge, when its driver is bridge), as {@link
   * EngineClient#daemon} makes them from docker-java's models.
   */
  public static dev.sixkit.docker.DaemonFacts toDaemonFacts(Map<String, Object> version, Map<String, Object> info,
      Optional<DockerNetwork> bridge, String negotiated, dev.sixkit.docker.DaemonConfig given) {
    return daemonFacts(text(version, "Version"), text(version, "ApiVersion"), text(version, "MinAPIVersion"), negotiated,
        text(info, "OperatingSystem"), text(info, "KernelVersion"), text(info, "Driver"),
        info.get("ExperimentalBuild") instanceof Boolean b ? b : null, bridge, given);
  }

  /**
   * A daemon's facts from what it reports (raw answers here, docker-java's models in {@link
   * EngineClient#daemon}): its bridge's IPv6 settings when it has one, else what its
   * configuration says, else Docker's defaults.
   *
   * @param experimental the Engine's ExperimentalBuild, or null when it did not say
   */
  static dev.sixkit.docker.DaemonFacts daemonFacts(String v, String api, String minApi, String negotiated, String os,
      String kernel, String driver, Boolean experimental, Optional<DockerNetwork> bridge,
      dev.sixkit.docker.DaemonConfig given) {
    Fact<Boolean> ipv6 = bridge.map(b -> new Fact<>(b.ipv6Enabled(), Fact.Source.ENGINE_API))
        .or(given::ipv6).orElse(new Fact<>(false, Fact.Source.DEFAULT));
    Optional<Fact<IPAddress>> cidr = bridge.flatMap(b -> b.ipv6Subnets().stream().findFirst())
        .map(s -> new Fact<>(s.prefix(), Fact.Source.ENGINE_API));
    if (cidr.isEmpty()) {
      cidr = given.fixedCidrV6().flatMap(f -> Ips.prefix(f.value()).map(p -> new Fact<>(p, f.source())));
    }
    Fact<Boolean> proxy = given.userlandProxy().orElse(new Fact<>(true, Fact.Source.DEFAULT));
    // Docker 27 turned ip6tables on by default; before it needed --experimental --ip6tables.
    Fact<Boolean> ip6t = given.ip6tables()
        .orElse(new Fact<>(dev.sixkit.docker.DaemonFacts.majorVersion(v) >= 27, Fact.Source.DEFAULT));
    Fact<Boolean> exp = experimental != null
        ? new Fact<>(experimental, Fact.Source.ENGINE_API)
        : given.experimental().orElse(new Fact<>(false, Fact.Source.DEFAULT));
    return new dev.sixkit.docker.DaemonFacts(v, api, minApi, negotiated, os, kernel, driver, ipv6, cidr, proxy, ip6t,
        exp);
  }

  /** A container from the list's format: names as a list, the state as a word, ports as objects. */
  public static Container toListedContainer(Map<String, Object> r) {
    String name = r.get("Names") instanceof List<?> names && !names.isEmpty() ? String.valueOf(names.get(0)) : "";
    List<NetworkAttachment> nets = new ArrayList<>();
    for (var e : new TreeMap<>(object(object(r, "NetworkSettings"), "Networks")).entrySet()) {
      Map<String, Object> n = object(e.getValue());
      nets.add(new NetworkAttachment(e.getKey(), text(n, "NetworkID"), Ips.ipv6(text(n, "GlobalIPv6Address")),
          (int) number(n, "GlobalIPv6PrefixLen"), Ips.ipv6(text(n, "IPv6Gateway")), Ips.ipv4(text(n, "IPAddress")),
          (int) number(n, "IPPrefixLen"), Ips.ipv4(text(n, "Gateway")), text(n, "MacAddress")));
    }
    List<PublishedPort> ports = new ArrayList<>();
    for (Object o : r.get("Ports") instanceof List<?> l ? l : List.of()) {
      Map<String, Object> p = object(o);
      int hostPort = (int) number(p, "PublicPort");
      Optional<IPAddress> host = Ips.address(text(p, "IP").isEmpty() ? "0.0.0.0" : text(p, "IP"));
      if (hostPort > 0 && host.isPresent()) {
        ports.add(new PublishedPort((int) number(p, "PrivatePort"), text(p, "Type").isEmpty() ? "tcp" : text(p, "Type"),
            host.get(), hostPort));
      }
    }
    ports.sort(Comparator.comparingInt(PublishedPort::containerPort).thenComparing(PublishedPort::protocol)
        .thenComparing(p -> p.hostIp().isIPv6()).thenComparingInt(PublishedPort::hostPort));
    return new Container(text(r, "Id"), name.startsWith("/") ? name.substring(1) : name, text(r, "Image"),
        text(r, "State"), nets, ports);
  }

  public static DockerNetwork toNetwork(Map<String, Object> n) {
    List<Subnet> subnets = new ArrayList<>();
    for (Object c : array(object(n, "IPAM"), "Config")) {
      Map<String, Object> config = object(c);
      Ips.prefix(text(config, "Subnet")).ifPresent(p -> subnets.add(new Subnet(p, Ips.address(text(config, "Gateway")))));
    }
    return new DockerNetwork(text(n, "Id"), text(n, "Name"), text(n, "Driver"), bool(n, "EnableIPv6"),
        bool(n, "Internal"), subnets, strings(n, "Options"));
  }

  /** One line of the event stream; empty when it is not an event object. */
  public static Optional<DockerEvent> toEvent(String line) {
    Map<String, Object> e;
    try {
      e = JsonParser.parseObject(line);
    } catch (IllegalArgumentException x) {
      LOG.debug("skipping an event line that is not JSON: {}", x.getMessage());
      return Optional.empty();
    }
    long nanos = number(e, "timeNano");
    if (nanos == 0) {
      long secs = number(e, "time");
      nanos = secs != 0 ? secs * 1_000_000_000L : System.currentTimeMillis() * 1_000_000L;
    }
    Map<String, Object> actor = object(e, "Actor");
    String action = text(e, "Action").isEmpty() ? text(e, "status") : text(e, "Action");
    String actorId = text(actor, "ID").isEmpty() ? text(e, "id") : text(actor, "ID");
    return Optional.of(new DockerEvent(text(e, "Type"), action, actorId, strings(actor, "Attributes"),
        Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))));
  }

  private static int parsePort(String spec) {
    int dash = spec.indexOf('-');
    try {
      return Integer.parseInt(dash < 0 ? spec : spec.substring(0, dash));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- transport and errors

  private Object get(String operation, String object, String path) {
    return request(http, endpoint, operation, object, "/v" + apiVersion + path, timeout);
  }

  private static Object request(EngineHttp http, String endpoint, String operation, String object, String target,
      Duration timeout) {
    EngineHttp.Response r;
    try {
      r = http.get(target, timeout);
    } catch (SocketTimeoutException e) {
      throw new DockerException(Reason.TIMEOUT, endpoint, operation, object,
          "the Docker Engine did not answer GET " + target + " within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new DockerException(Reason.UNREACHABLE, endpoint, operation, object,
          "the Docker Engine does not answer: " + rootMessage(e), e);
    }
    if (r.status() != 200) {
      throw new DockerException(EngineApi.reasonOf(r.status()), endpoint, operation, object,
          EngineApi.serverMessage(r.body()), null);
    }
    try {
      return JsonParser.parse(r.body());
    } catch (IllegalArgumentException e) {
      throw new DockerException(Reason.FAILED, endpoint, operation, object,
          "GET " + target + " answered something that is not JSON (" + e.getMessage() + ")", e);
    }
  }

  private DockerException unreachable(String operation, String object, IOException e) {
    return e instanceof SocketTimeoutException
        ? failure(Reason.TIMEOUT, operation, object, "the Docker Engine did not answer within " + timeout.toMillis() + " ms", e)
        : failure(Reason.UNREACHABLE, operation, object, "the Docker Engine does not answer: " + rootMessage(e), e);
  }

  private DockerException failure(Reason reason, String operation, String object, String detail, Throwable cause) {
    return new DockerException(reason, endpoint, operation, object, detail, cause);
  }

  private void requireName(String kind, String name) {
    EngineApi.requireName(endpoint, kind, name);
  }
}
