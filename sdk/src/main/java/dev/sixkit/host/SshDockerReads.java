package dev.sixkit.host;

import static dev.sixkit.internal.json.JsonParser.object;
import static dev.sixkit.internal.json.JsonParser.text;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonConfig;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.docker.DockerSnapshot;
import dev.sixkit.internal.docker.EngineApi;
import dev.sixkit.internal.docker.EngineReader;
import dev.sixkit.internal.json.JsonParser;
import dev.sixkit.internal.ssh.RemoteHttp;
import dev.sixkit.internal.ssh.SshConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plan's Docker reads over SSH ({@link SshHost#dockerSnapshot}): pipelined Engine API requests
 * on one {@code direct-streamlocal} channel per round trip ({@link RemoteHttp}), parsed with the
 * lean JSON reader into the records {@link dev.sixkit.docker.Docker} returns. Round trips: the
 * version (once per host: the negotiated API version is kept), then info, the default bridge and
 * the lists, then one inspect per container (and network). No Docker client, local socket or
 * thread is started.
 *
 * <p>Thread-safe: the negotiated version is a volatile value; each read opens its own channel.
 */
final class SshDockerReads {
  private static final Logger log = LoggerFactory.getLogger(SshDockerReads.class);
  /** Ids as the Engine gives them; anything else is not put in a path. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private final SshConnection ssh;
  private final String socket;
  private final String host;
  private final Duration timeout;
  private volatile String api;
  private volatile Map<String, Object> version;

  SshDockerReads(SshConnection ssh, String socket, String host, Duration timeout) {
    this.ssh = ssh;
    this.socket = socket;
    this.host = host;
    this.timeout = timeout;
  }

  private String endpoint() {
    return "unix://" + socket + " on " + host + " (ssh " + ssh.target() + ")";
  }

  DockerSnapshot read(boolean withNetworks) {
    long t0 = System.nanoTime();
    int trips = 0;
    if (api == null) {
      Map<String, Object> v = object(json(get(List.of("/version")).get(0), "connect to Docker", ""));
      api = EngineApi.negotiate(endpoint(), text(v, "ApiVersion"), text(v, "MinAPIVersion"));
      version = v;
      trips++;
    }
    String p = "/v" + api;
    List<String> first = new ArrayList<>(List.of(p + "/info", p + "/networks/bridge", p + "/containers/json?all=1"));
    if (withNetworks) {
      first.add(p + "/networks");
    }
    List<RemoteHttp.Answer> a = get(first);
    trips++;
    Map<String, Object> info = object(json(a.get(0), "read daemon info", ""));
    Optional<DockerNetwork> bridge = a.get(1).status() == 404 ? Optional.empty()
        : Optional.of(EngineReader.toNetwork(object(json(a.get(1), "inspect network", "'bridge'"))))
            .filter(n -> "bridge".equals(n.driver()));
    List<String> containerIds = ids(json(a.get(2), "list containers", ""));
    List<String> networkIds = withNetworks ? ids(json(a.get(3), "list networks", "")) : List.of();
    List<String> second = new ArrayList<>();
    containerIds.forEach(id -> second.add(p + "/containers/" + id + "/json"));
    networkIds.forEach(id -> second.add(p + "/networks/" + id));
    List<RemoteHttp.Answer> b = second.isEmpty() ? List.of() : get(second);
    trips += second.isEmpty() ? 0 : 1;
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < containerIds.size(); i++) {
      if (b.get(i).status() != 404) { // one removed between list and inspect is simply gone
        containers.add(EngineReader.toContainer(object(json(b.get(i), "inspect container", "'" + containerIds.get(i)
            + "'"))));
      }
    }
    containers.sort(Comparator.comparing(Container::name));
    List<DockerNetwork> networks = new ArrayList<>();
    for (int i = 0; i < networkIds.size(); i++) {
      RemoteHttp.Answer n = b.get(containerIds.size() + i);
      if (n.status() != 404) {
        networks.add(EngineReader.toNetwork(object(json(n, "inspect network", "'" + networkIds.get(i) + "'"))));
      }
    }
    networks.sort(Comparator.comparing(DockerNetwork::name));
    DockerSnapshot s = new DockerSnapshot(EngineReader.toDaemonFacts(version, info, bridge, api, DaemonConfig.none()),
        containers, withNetworks ? Optional.of(networks) : Optional.empty());
    log.debug("{}: Docker read in {} ms, {} round trips ({} containers)", host, (System.nanoTime() - t0) / 1_000_000,
        trips, containers.size());
    return s;
  }

  private List<RemoteHttp.Answer> get(List<String> targets) {
    try {
      return RemoteHttp.getAll(ssh, socket, targets, timeout);
    } catch (SshException e) {
      if (e.reason() == SshException.Reason.COMMAND_FAILED) {
        throw new SixkitException("connect to Docker", "at " + socket + " on " + host + " (ssh " + ssh.target() + ")",
            "the SSH server could not open the socket (is dockerd running there?): " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private Object json(RemoteHttp.Answer a, String operation, String object) {
    if (a.status() != 200) {
      throw new DockerException(EngineApi.reasonOf(a.status()), endpoint(), operation, object,
          EngineApi.serverMessage(a.body()), null);
    }
    try {
      return JsonParser.parse(a.body());
    } catch (IllegalArgumentException e) {
      throw new DockerException(DockerException.Reason.FAILED, endpoint(), operation, object,
          "the Engine answered something that is not JSON (" + e.getMessage() + ")", e);
    }
  }

  private List<String> ids(Object list) {
    List<String> out = new ArrayList<>();
    for (Object o : list instanceof List<?> l ? l : List.of()) {
      String id = text(object(o), "Id");
      if (ID.matcher(id).matches()) {
        out.add(id);
      } else if (!id.isEmpty()) {
        throw new DockerException(DockerException.Reason.FAILED, endpoint(), "list", "'" + id + "'",
            "the Engine gave an id that is not one", null);
      }
    }
    return out;
  }
}
