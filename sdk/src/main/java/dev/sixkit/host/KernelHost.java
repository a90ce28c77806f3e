package dev.sixkit.host;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.Docker;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Neighbours;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.NudState;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.Socket;
import dev.sixkit.netlink.SysctlChange;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host whose kernel we reach directly through netlink: this machine or a network namespace on
 * it. Thread-safe: the netlink client serialises requests; the Docker client is created once.
 *
 * <p>Not meant as API: the implementation behind {@link Host#connect()} and {@link
 * Host#netns(String)}; program against {@link NetlinkHost}.
 */
public final class KernelHost implements NetlinkHost {
  private static final Logger log = LoggerFactory.getLogger(KernelHost.class);

  private final String name;
  private final Netlink nl;
  private final String dockerEndpoint;
  private volatile Docker docker;

  private KernelHost(String name, Netlink nl, String dockerEndpoint) {
    this.name = name;
    this.nl = nl;
    this.dockerEndpoint = dockerEndpoint;
  }

  static KernelHost local() {
    String env = System.getenv("DOCKER_HOST");
    return new KernelHost("localhost", Netlink.open(), env != null && !env.isBlank() ? env : "unix:///var/run/docker.sock");
  }

  static KernelHost of(Netns netns, String name, String dockerEndpoint) {
    return new KernelHost(name, Netlink.open(netns), dockerEndpoint);
  }

  /** A host over a netlink client the caller made (for instance {@link Netlink#over} a fake, in tests). */
  static KernelHost over(String name, Netlink nl) {
    return new KernelHost(name, nl, null);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public java.util.Optional<java.nio.file.Path> netnsPath() {
    return java.util.Optional.of(nl.netns().path());
  }

  /** The netlink client, for callers inside the SDK that need more than the Host interface. */
  public Netlink netlink() {
    return nl;
  }

  @Override
  public List<Link> interfaces() {
    return nl.links().list();
  }

  @Override
  public List<Address> addresses() {
    return nl.addresses().list();
  }

  @Override
  public List<Route> routes() {
    return nl.routes().list();
  }

  @Override
  public Route routeTo(String destination) {
    return nl.routes().get(destination);
  }

  @Override
  public NeighbourQuery neighbours() {
    return new KernelNeighbourQuery(nl.neighbours().query().ipv6());
  }

  private static final class KernelNeighbourQuery implements NeighbourQuery {
    private final Neighbours.Query q;

    KernelNeighbourQuery(Neighbours.Query q) {
      this.q = q;
    }

    @Override
    public NeighbourQuery dev(String device) {
      return new KernelNeighbourQuery(q.dev(device));
    }

    @Override
    public NeighbourQuery state(NudState... states) {
      return new KernelNeighbourQuery(q.state(states));
    }

    @Override
    public NeighbourQuery address(String address) {
      return new KernelNeighbourQuery(q.address(address));
    }

    @Override
    public List<Neighbour> list() {
      return q.list();
    }
  }

  @Override
  public List<Neighbour> proxyEntries() {
    return nl.neighbours().proxies().list();
  }

  @Override
  public List<Socket> listeningSockets() {
    return nl.sockets().tcpListeners();
  }

  @Override
  public String sysctl(String key) {
    return nl.sysctls().get(key);
  }

  @Override
  public Change sysctl(String key, String value) {
    SysctlChange c = nl.sysctls().set(key, value);
    Change change = Change.of(name, "sysctl " + key, c.before(), c.after());
    if (change.changed()) {
      log.debug("{}", change);
    }
    return change;
  }

  @Override
  public ProxyNdp enableProxyNdp(String uplink) {
    int ifindex = nl.links().get(uplink).index(); // names the uplink in the error when it is missing
    Change c = sysctl("net.ipv6.conf." + uplink + ".proxy_ndp", "1");
    return new KernelProxyNdp(uplink, ifindex, List.of(c));
  }

  @Override
  public ProxyNdp proxyNdp(String uplink) {
    // One link lookup names a missing uplink in the error and gives the index every later call uses.
    return new KernelProxyNdp(uplink, nl.links().get(uplink).index(), List.of());
  }

  /** Proxy entries on one uplink, by its interface index: one add is one lookup and one write. */
  private final class KernelProxyNdp extends UplinkProxies {
    private final int ifindex;

    KernelProxyNdp(String uplink, int ifindex, List<Change> enabled) {
      super(name, uplink, enabled);
      this.ifindex = ifindex;
    }

    @Override
    boolean contains(InetAddress a) {
      return nl.neighbours().proxy(a).dev(ifindex).exists(); // one RTM_GETNEIGH, not a dump
    }

    @Override
    void add(InetAddress a, int protocol, Change change) {
      var entry = nl.neighbours().proxy(a).dev(ifindex);
      (protocol == 0 ? entry : entry.protocol(protocol)).add();
    }

    @Override
    void apply(InetAddress a, boolean add, Change change) {
      if (add) {
        nl.neighbours().proxy(a).dev(ifindex).add();
      } else {
        nl.neighbours().proxy(a).dev(ifindex).delete();
      }
    }

    @Override
    public List<Neighbour> entries() {
      return nl.neighbours().proxies().dev(uplink).list();
    }
  }

  @Override
  public RouteTarget route(String destination) {
    return HostRouteSpec.target(destination, KernelRouteSpec::new);
  }

  private final class KernelRouteSpec extends HostRouteSpec {
    KernelRouteSpec(RouteIntent intent) {
      super(name, intent);
    }

    @Override
    HostRouteSpec with(RouteIntent next) {
      return new KernelRouteSpec(next);
    }

    @Override
    List<Route> routes() {
      return nl.routes().list();
    }

    @Override
    void send(String verb, Change change) {
      var step = nl.routes().route(intent.destination().toString());
      var s = intent.via() != null ? step.via(IpAddresses.format(intent.via())) : step.dev(intent.device());
      if (intent.via() != null && intent.device() != null) {
        s = s.dev(intent.device());
      }
      if (intent.metric() >= 0) {
        s = s.metric(intent.metric());
      }
      if (intent.protocol() != 0 && !"delete".equals(verb)) {
        s = s.protocol(intent.protocol());
      }
      switch (verb) {
        case "add" -> s.add();
        case "replace" -> s.replace();
        default -> s.delete();
      }
    }
  }

  /** The Engine endpoint this host was given (null when none). */
  public String dockerEndpoint() {
    return dockerEndpoint;
  }

  @Override
  public Docker docker() {
    Docker d = docker;
    if (d == null) {
      synchronized (this) {
        d = docker;
        if (d == null) {
          if (dockerEndpoint == null) {
            throw new SixkitException("connect to Docker", "on host " + name,
                "no Docker endpoint: give one with Host.netns(\"" + name + "\", \"unix:///path/docker.sock\")");
          }
          d = Docker.connect(dockerEndpoint);
          docker = d;
        }
      }
    }
    return d;
  }

  @Override
  public void close() {
    Docker d = docker;
    if (d != null) {
      d.close();
    }
    nl.close();
  }

  @Override
  public String toString() {
    return "Host[" + name + (dockerEndpoint != null ? ", docker " + dockerEndpoint : "") + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KernelHost k && k.name.equals(name) && k.nl.netns().equals(nl.netns());
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, nl.netns());
  }
}
