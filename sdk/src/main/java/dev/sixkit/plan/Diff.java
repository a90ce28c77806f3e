package dev.sixkit.plan;

import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.host.StaticRoute;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Protocols;
import dev.sixkit.netlink.Route;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pure half of the engine: from what a setup wants and what its hosts look like now
 * ({@link HostState}s, already read) to the {@link Plan}: the steps per host and what is in the
 * way. No I/O, no kernel, no clock: the same states give the same plan.
 *
 * <p>Ownership: proxy entries carrying {@link Protocols#SIXKIT} are Sixkit's and are removed when no
 * container needs them any more; entries without the mark are the operator's and are never
 * removed. Routes are checked by what the kernel would choose for the peer's prefix (longest
 * prefix, then lowest metric, as {@code ip route get}), not by whether a route with the right
 * gateway exists: a better route that wins the lookup makes the host "not as planned", and the
 * step adds the plan's route with a metric that wins (the operator's route stays).
 *
 * <p>Stateless; thread-safe.
 */
public final class Diff {
  /** The kernel's default metric for IPv6 routes added without one. */
  static final int DEFAULT_METRIC = 1024;

  private Diff() {}

  /**
   * The plan: the network plan, one line per host, the steps per host and the problems.
   *
   * @param setup the desired setup
   * @param states each host's state, by host name
   * @return the plan; its problems say what stops an apply
   */
  public static Plan plan(DesiredSetup setup, Map<String, HostState> states) {
    List<String> problems = new ArrayList<>();
    Map<String, String> addresses = new LinkedHashMap<>();
    for (HostEntry e : setup.hosts()) {
      HostState s = states.get(e.name());
      if (s.error() != null) {
        // A host not read (outside --limit, or unreachable) keeps its place in the plan when its address is written.
        if (e.address() != null) {
          addresses.put(e.name(), e.address());
        }
        if (s.isSkipped()) {
          if (e.address() == null) {
            problems.add(e.name() + ": outside --limit, and the plan of the others needs its address (the split and"
                + " the routes depend on it): write address '...' in its block");
          }
          continue;
        }
        problems.add(e.name() + ": " + s.error() + (e.address() == null && setup.hosts().size() > 1
            ? " (the other hosts' plan needs its address: write address '...' in its block)" : ""));
        continue;
      }
      if (!s.uplinkExists()) {
        problems.add(e.name() + ": has no interface " + e.uplink() + " (its uplink" + (e.declaredAt().isEmpty() ? ""
            : ", " + e.declaredAt()) + ")");
        continue;
      }
      if (e.address() != null) {
        addresses.put(e.name(), e.address());
        if (!s.uplinkAddresses().contains(e.address())) {
          problems.add(e.name() + ": " + e.uplink() + " does not hold " + e.address() + " (it holds "
              + (s.uplinkAddresses().isEmpty() ? "no address in " + Prefixes.text(setup.underlay())
                  : s.uplinkAddresses()) + ")");
        }
      } else if (s.uplinkAddresses().isEmpty()) {
        problems.add(e.name() + ": " + e.uplink() + " has no address in " + Prefixes.text(setup.underlay())
            + "; give it one, or write address '...' in the host's block");
      } else {
        addresses.put(e.name(), s.uplinkAddresses().get(0));
      }
    }
    NetworkPlan network = null;
    if (addresses.size() == setup.hosts().size()) {
      try {
        network = setup.networkPlan(addresses);
      } catch (PlanException ex) {
        problems.add("plan: " + ex.getMessage().replaceFirst("^plan: ", ""));
      }
    }
    Map<String, List<Step>> steps = new LinkedHashMap<>();
    List<Plan.HostLine> lines = new ArrayList<>();
    for (HostEntry e : setup.hosts()) {
      HostState s = states.get(e.name());
      HostPlan hp = network == null ? null : network.host(e.name()).orElse(null);
      String dockerd = dockerdLine(setup, e, s, hp, problems);
      lines.add(new Plan.HostLine(e.name(), e.connector().describe(), e.uplink(), addresses.getOrDefault(e.name(), ""),
          hp == null ? "" : Prefixes.text(hp.dockerPrefix()), dockerd));
      if (hp != null && s.error() == null && s.uplinkExists()) {
        List<Step> l = steps(setup, e, hp, s, problems);
        l.sort(Comparator.comparingInt(Step::order));
        steps.put(e.name(), l);
      } else {
        steps.put(e.name(), List.of());
      }
    }
    return new Plan(setup.name(), setup.mode(), Prefixes.text(setup.underlay()), network, lines, steps, problems);
  }

  /** Checks the running daemon against the plan; a disagreement is a problem, never a restart. */
  static String dockerdLine(DesiredSetup setup, HostEntry e, HostState s, HostPlan hp, List<String> problems) {
    if (s.error() != null) {
      return "";
    }
    if (s.daemon() == null) {
      String why = s.dockerError() == null ? "no Docker endpoint" : s.dockerError();
      if (setup.mode() == Mode.NDP_PROXY) {
        problems.add(e.name() + ": NDP proxy needs the host's containers, and Docker does not answer: " + why
            + " (give docker 'unix:///path/docker.sock' in its block)");
      }
      return "not checked (" + (e.docker() == null && !"this machine".equals(e.connector().describe())
          ? "no docker endpoint" : "not answering") + ")";
    }
    DaemonFacts f = s.daemon();
    String running = f.fixedCidrV6Prefix().map(Diff::prefixText).orElse(null);
    if (hp == null) {
      return running == null ? "no fixed-cidr-v6" : "runs " + running;
    }
    String want = Prefixes.text(hp.dockerPrefix());
    if (!e.networks().isEmpty()) {
      return networkHostLine(e, f, running, hp, problems);
    }
    String restart = "; restart it with dockerd " + String.join(" ", hp.dockerdArgs())
        + " (sixkit never restarts a running daemon)";
    if (!f.ipv6Enabled()) {
      problems.add(e.name() + ": dockerd runs without --ipv6, the plan gives it " + want + restart);
      return "DISAGREES: no --ipv6";
    }
    if (running == null) {
      problems.add(e.name() + ": dockerd runs without --fixed-cidr-v6, the plan gives it " + want + restart);
      return "DISAGREES: no fixed-cidr-v6";
    }
    if (!running.equals(want)) {
      problems.add(e.name() + ": dockerd runs with --fixed-cidr-v6=" + running + " but the plan gives it " + want
          + restart);
      return "DISAGREES: runs " + running;
    }
    // Docker 27+ with ip6tables drops what comes from outside to the default bridge: the plan
    // would be "complete" and the packets lost.
    java.util.Optional<String> filtered = EngineNeeds.defaultBridgeProblem(e.name(), f, want);
    if (filtered.isPresent()) {
      problems.add(filtered.get());
      return "agrees (" + f.version() + "), but filters IPv6 to the default bridge";
    }
    return "agrees (" + f.version() + ")";
  }

  /**
   * A host whose containers go on declared routed networks: its default bridge is not part of the
   * plan (Docker 27+ filters it), but it must not hold the networks' subnets, since Docker refuses
   * a pool that overlaps another.
   */
  private static String networkHostLine(HostEntry e, DaemonFacts f, String running, HostPlan hp, List<String> problems) {
    String names = String.join(", ", e.networks().stream().map(NetworkEntry::name).toList());
    if (running != null) {
      IPv6Address bridge = Prefixes.prefix(running);
      for (NetworkEntry n : e.networks()) {
        IPv6Address subnet;
        try {
          subnet = n.subnetIn(hp.dockerPrefix());
        } catch (PlanException ex) {
          continue; // reported by networkSteps
        }
        if (Prefixes.overlap(bridge, subnet)) {
          problems.add(e.name() + ": dockerd's default bridge holds " + running + " (--fixed-cidr-v6), which overlaps "
              + "network " + n.name() + "'s subnet " + Prefixes.text(subnet) + ", and Docker refuses overlapping pools;"
              + " give the network a subnet outside it (network '" + n.name() + "', 'SUBNET' inside "
              + Prefixes.text(hp.dockerPrefix()) + "), plan another prefix for " + e.name()
              + ", or restart dockerd with a --fixed-cidr-v6 outside " + Prefixes.text(subnet)
              + " (sixkit never restarts a running daemon)");
          return "DISAGREES: default bridge overlaps network " + n.name();
        }
      }
    }
    return "Docker " + f.version() + ", containers on network " + names
        + (running == null ? "" : " (default bridge " + running + " not in the plan)");
  }

  private static String prefixText(IPAddress a) {
    return a.isPrefixed() ? a.toPrefixBlock().toCanonicalString() : a.toCanonicalString();
  }

  /**
   * The steps that bring one host from its state to the plan.
   *
   * @param setup the desired setup
   * @param e the host
   * @param hp the host's part of the network plan
   * @param s the host's state
   * @param problems gets what stops the apply on this host
   * @return the steps in apply order, empty when the host is as planned
   */
  public static List<Step> steps(DesiredSetup setup, HostEntry e, HostPlan hp, HostState s, List<String> problems) {
    List<Step> out = new ArrayList<>();
    if (!"1".equals(s.forwarding())) {
      out.add(new Step.Sysctl("net.ipv6.conf.all.forwarding", s.forwarding(), "1"));
    }
    networkSteps(e, hp, s, out, problems);
    List<String> batch = new ArrayList<>();
    if (setup.mode() == Mode.NDP_PROXY) {
      proxySteps(e, hp, s, out, batch);
    } else {
      for (StaticRoute r : hp.routes()) {
        routeStep(e, r, s.routes(), out, problems);
        batch.add("route replace " + Prefixes.text(r.destination()) + " via " + r.via().toCanonicalString() + " dev "
            + r.device());
      }
    }
    if (setup.persist() != null) {
      out.addAll(PersistedFiles.steps(setup, e, s, hp, batch));
    }
    return out;
  }

  /**
   * The host's declared networks: each must lie inside the host's planned Docker prefix, the
   * engine must have gateway modes (27+), and a network of that name already there must be the
   * one declared (IPv6, that subnet, routed); a missing one is a step.
   */
  static void networkSteps(HostEntry e, HostPlan hp, HostState s, List<Step> out, List<String> problems) {
    if (e.networks().isEmpty()) {
      return;
    }
    String where = e.declaredAt().isEmpty() ? "" : " (" + e.declaredAt() + ")";
    if (s.daemon() == null) {
      problems.add(e.name() + ": declares network " + e.networks().get(0).name() + where
          + " and Docker does not answer: " + (s.dockerError() == null ? "no Docker endpoint" : s.dockerError()));
      return;
    }
    Set<String> subnets = new LinkedHashSet<>();
    for (NetworkEntry n : e.networks()) {
      IPv6Address subnet;
      try {
        subnet = n.subnetIn(hp.dockerPrefix());
      } catch (PlanException ex) {
        problems.add(e.name() + ": network " + n.name() + where + ": " + ex.getMessage());
        continue;
      }
      String text = Prefixes.text(subnet);
      if (!hp.dockerPrefix().toPrefixBlock().contains(subnet.toPrefixBlock())) {
        problems.add(e.name() + ": network " + n.name() + where + ": its subnet " + text + " is outside the plan's"
            + " Docker prefix for " + e.name() + ", " + Prefixes.text(hp.dockerPrefix())
            + " (its containers would get no proxy entry or route); give a sub-prefix of it, or leave the subnet out");
        continue;
      }
      if (!subnets.add(text)) {
        problems.add(e.name() + ": network " + n.name() + where + ": subnet " + text + " is declared twice");
        continue;
      }
      try {
        EngineNeeds.requireGatewayModes(s.daemon(), n.name());
      } catch (dev.sixkit.SixkitException ex) {
        problems.add(e.name() + ": network " + n.name() + where + ": " + ex.getMessage());
        continue;
      }
      dev.sixkit.docker.DockerNetwork have = s.networks() == null ? null
          : s.networks().stream().filter(x -> x.name().equals(n.name())).findFirst().orElse(null);
      if (have == null) {
        out.add(new Step.Network(n.name(), text, true));
        continue;
      }
      boolean same = have.ipv6Enabled() && "routed".equals(have.ipv6GatewayMode())
          && have.ipv6Subnets().stream().anyMatch(x -> text.equals(subnetText(x)));
      if (!same) {
        problems.add(e.name() + ": docker network " + n.name() + " exists and is not the one declared" + where
            + " (it has IPv6 " + (have.ipv6Enabled() ? "on" : "off") + ", subnets " + have.ipv6Subnets().stream()
            .map(Diff::subnetText).toList() + ", gateway mode " + have.ipv6GatewayMode() + "; declared: "
            + text + ", routed); remove it or declare another name");
      }
    }
  }

  private static String subnetText(Subnet x) {
    return x.prefix().isPrefixed() ? x.prefix().toPrefixBlock().toCanonicalString() : x.prefix().toCanonicalString();
  }

  private static void proxySteps(HostEntry e, HostPlan hp, HostState s, List<Step> out, List<String> batch) {
    String key = "net.ipv6.conf." + e.uplink() + ".proxy_ndp";
    if (!"1".equals(s.proxyNdp())) {
      out.add(new Step.Sysctl(key, s.proxyNdp(), "1"));
    }
    // Answer proxied solicitations at once (FirstContact), as the sync does: the first ping is not delayed.
    String delayKey = "net.ipv6.neigh." + e.uplink() + ".proxy_delay";
    if (s.proxyDelay() != null && !FirstContact.PROXY_DELAY.equals(s.proxyDelay().trim())) {
      out.add(new Step.Sysctl(delayKey, s.proxyDelay().trim(), FirstContact.PROXY_DELAY));
    }
    Set<String> want = new LinkedHashSet<>();
    if (s.containers() != null) {
      ContainerAddresses.in(s.containers(), hp.dockerPrefix()).forEach(a -> want.add(a.toCanonicalString()));
    }
    Set<String> have = new LinkedHashSet<>();
    Set<String> ours = new LinkedHashSet<>();
    for (Neighbour n : s.proxies()) {
      String a = IpAddresses.format(n.address());
      if (n.address() instanceof java.net.Inet6Address && Prefixes.contains(hp.dockerPrefix(), Prefixes.address(a))) {
        have.add(a);
        if (n.protocol() == Protocols.SIXKIT) {
          ours.add(a);
        }
      }
    }
    for (String a : want) {
      if (!have.contains(a)) {
        out.add(new Step.Proxy(e.uplink(), a, true));
      }
      batch.add("neigh replace proxy " + a + " dev " + e.uplink());
    }
    for (String a : ours) {
      if (!want.contains(a)) {
        out.add(new Step.Proxy(e.uplink(), a, false));
      }
    }
  }

  /**
   * The route the kernel would choose for {@code address} among {@code routes}: the longest
   * matching prefix, then the lowest metric (as {@code ip route get}, main table, no policy rules).
   */
  static Route chosen(List<Route> routes, InetAddress address) {
    Route best = null;
    for (Route r : routes) {
      if (r.table() != Route.TABLE_MAIN && r.table() != Route.TABLE_UNSPEC) {
        continue;
      }
      IpPrefix d = r.destination();
      int len = d == null ? 0 : d.length();
      if (d != null && !d.contains(address)) {
        continue;
      }
      if (best == null) {
        best = r;
        continue;
      }
      int bestLen = best.destination() == null ? 0 : best.destination().length();
      if (len > bestLen || len == bestLen && r.metricUnsigned() < best.metricUnsigned()) {
        best = r;
      }
    }
    return best;
  }

  static String hop(Route r) {
    if (r == null) {
      return "no route";
    }
    return (r.destination() == null ? "default" : r.destinationText()) + (r.gateway() == null ? ""
        : " via " + IpAddresses.format(r.gateway())) + (r.device() == null ? "" : " dev " + r.device())
        + " metric " + r.metricUnsigned();
  }

  private static void routeStep(HostEntry e, StaticRoute r, List<Route> routes, List<Step> out, List<String> problems) {
    String dst = Prefixes.text(r.destination());
    String via = r.via().toCanonicalString();
    IPv6Address net = r.destination().toPrefixBlock().getLower().withoutPrefixLength();
    InetAddress probe = IpAddresses.parse(net.toCanonicalString());
    Route win = chosen(routes, probe);
    if (win != null && win.gateway() != null && IpAddresses.format(win.gateway()).equals(via)
        && r.device().equals(win.device())) {
      return; // the kernel already sends the prefix where the plan says
    }
    IpPrefix target = IpPrefix.parse(dst).network();
    Route mine = routes.stream().filter(x -> x.destination() != null && x.destination().network().equals(target)
        && x.gateway() != null && IpAddresses.format(x.gateway()).equals(via) && r.device().equals(x.device()))
        .findFirst().orElse(null);
    int metric = -1;
    if (win != null && win.destination() != null && win.destination().length() >= r.destination().getPrefixLength()) {
      if (win.destination().length() > r.destination().getPrefixLength()) {
        problems.add(e.name() + ": " + hop(win) + " is more specific than the plan's " + dst + " via " + via
            + " and wins the lookup; remove it");
        return;
      }
      long beat = win.metricUnsigned() - 1;
      if (beat < 1) {
        problems.add(e.name() + ": " + hop(win) + " wins the lookup for " + dst + " and no metric beats it; remove it");
        return;
      }
      metric = (int) Math.min(beat, DEFAULT_METRIC);
    }
    Step.Hop want = new Step.Hop(via, r.device(), metric);
    if (mine == null) {
      out.add(new Step.Route(dst, null, want));
    } else {
      out.add(new Step.Route(dst, new Step.Hop(via, mine.device(), (int) mine.metricUnsigned()), want));
    }
  }
}
