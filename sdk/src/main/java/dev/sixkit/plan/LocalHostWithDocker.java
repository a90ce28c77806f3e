package dev.sixkit.plan;

import dev.sixkit.docker.Docker;
import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.Socket;
import java.util.List;

/** This machine with a Docker endpoint other than the default. Thread-safe, as the host it wraps. */
public final class LocalHostWithDocker implements Host {
  private final Host host;
  private final String endpoint;
  private volatile Docker docker;

  LocalHostWithDocker(Host host, String endpoint) {
    this.host = host;
    this.endpoint = endpoint;
  }

  @Override
  public String name() {
    return host.name();
  }

  @Override
  public List<Link> interfaces() {
    return host.interfaces();
  }

  @Override
  public List<Address> addresses() {
    return host.addresses();
  }

  @Override
  public List<Route> routes() {
    return host.routes();
  }

  @Override
  public Route routeTo(String destination) {
    return host.routeTo(destination);
  }

  @Override
  public NeighbourQuery neighbours() {
    return host.neighbours();
  }

  @Override
  public List<Neighbour> proxyEntries() {
    return host.proxyEntries();
  }

  @Override
  public List<Socket> listeningSockets() {
    return host.listeningSockets();
  }

  @Override
  public String sysctl(String key) {
    return host.sysctl(key);
  }

  @Override
  public Change sysctl(String key, String value) {
    return host.sysctl(key, value);
  }

  @Override
  public ProxyNdp enableProxyNdp(String uplink) {
    return host.enableProxyNdp(uplink);
  }

  @Override
  public ProxyNdp proxyNdp(String uplink) {
    return host.proxyNdp(uplink);
  }

  @Override
  public RouteTarget route(String destination) {
    return host.route(destination);
  }

  @Override
  public synchronized Docker docker() {
    if (docker == null) {
      docker = Docker.connect(endpoint);
    }
    return docker;
  }

  @Override
  public synchronized void close() {
    if (docker != null) {
      docker.close();
    }
    host.close();
  }

  @Override
  public String toString() {
    return "Host[" + name() + ", docker " + endpoint + "]";
  }
}
