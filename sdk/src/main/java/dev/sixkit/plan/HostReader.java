package dev.sixkit.plan;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.SixkitException;
import dev.sixkit.host.Host;
import dev.sixkit.host.HostSnapshot;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads one host into an immutable {@link HostState}: the uplink, its addresses in the underlay,
 * forwarding, proxy_ndp and proxy_delay, routes, proxy entries, Docker and the persisted files.
 * Never changes anything; a host that cannot be read gives a state with its {@link HostState#error()}.
 *
 * <p>Stateless; thread-safe (each call reads its own host).
 */
public final class HostReader {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HostReader.class);

  private HostReader() {}

  /**
   * Reads the host that {@code open} gives (opened lazily: an open that fails is the state's error).
   *
   * @param setup the desired setup
   * @param e the host
   * @param open opens the host; called at most once
   * @return the state; a host that fails to open or read gives a failed state, never an exception
   */
  public static HostState read(DesiredSetup setup, HostEntry e, Supplier<Host> open) {
    long t0 = System.nanoTime();
    Host h;
    try {
      h = open.get();
    } catch (RuntimeException ex) {
      return HostState.failed(e.name(), "cannot reach it: " + ex.getMessage());
    }
    long opened = System.nanoTime();
    try {
      // Docker first: over SSH it needs no shell, so it goes while the login shell starts.
      DaemonFacts facts = null;
      List<Container> containers = null;
      List<dev.sixkit.docker.DockerNetwork> networks = null;
      String dockerError = null;
      try {
        // only a host that declares networks needs them
        dev.sixkit.docker.DockerSnapshot d = h.dockerSnapshot(!e.networks().isEmpty());
        facts = d.daemon();
        containers = d.containers();
        networks = d.networks().orElse(null);
      } catch (RuntimeException ex) {
        dockerError = ex.getMessage();
      }
      long docker = System.nanoTime();
      String fwdKey = "net.ipv6.conf.all.forwarding";
      String pndpKey = "net.ipv6.conf." + e.uplink() + ".proxy_ndp";
      String delayKey = "net.ipv6.neigh." + e.uplink() + ".proxy_delay";
      HostSnapshot snap = h.snapshot(List.of(fwdKey, pndpKey, delayKey)); // one round trip over SSH
      boolean up = snap.link(e.uplink()).isPresent();
      List<String> addrs = new ArrayList<>();
      for (Address a : snap.addresses()) {
        if (a.isV6() && e.uplink().equals(a.device()) && a.scope() == 0
            && Prefixes.contains(setup.underlay(), Prefixes.address(IpAddresses.format(a.address())))) {
          addrs.add(IpAddresses.format(a.address()));
        }
      }
      String fwd = snap.sysctl(fwdKey).orElseThrow(() -> new SixkitException("read sysctl", fwdKey, "not there"));
      String pndp = up ? snap.sysctl(pndpKey).orElse(null) : null;
      String delay = up ? snap.sysctl(delayKey).orElse(null) : null;
      List<Route> routes = snap.routes().stream().filter(Route::isV6).toList();
      List<Neighbour> proxies = snap.proxyEntries().stream().filter(n -> e.uplink().equals(n.device())).toList();
      Map<String, String> files = new LinkedHashMap<>();
      HostFiles f = e.connector().files();
      for (String p : setup.persistPaths(e)) {
        f.read(p).ifPresent(t -> files.put(p, t));
      }
      if (log.isDebugEnabled()) {
        long end = System.nanoTime();
        log.debug("{}: read in {} ms (open {} ms, Docker {} ms, network state and files {} ms)", e.name(),
            (end - t0) / 1_000_000, (opened - t0) / 1_000_000, (docker - opened) / 1_000_000, (end - docker) / 1_000_000);
      }
      return new HostState(e.name(), null, up, addrs, fwd, pndp, delay, routes, proxies, facts, containers, dockerError,
          files, networks);
    } catch (RuntimeException ex) {
      return HostState.failed(e.name(), "cannot read it: " + ex.getMessage());
    }
  }
}
