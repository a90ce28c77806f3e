package dev.sixkit.plan;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.host.StaticRoute;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Route;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves a setup with packets: from every web container to every other, ping6 and an HTTP GET
 * through Docker exec. For the pairs that fail it says which hop does not do what the plan says
 * (the route the kernel chooses, or the proxy entry that is missing), from the host states.
 *
 * <p>Stateless; thread-safe.
 */
final class Verifier {
  private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(15);
  private static final Pattern PING_TIME = Pattern.compile("time=([0-9.]+ ?ms)");

  private Verifier() {}

  private record Endpoint(String host, String container, String address) {
    String label() {
      return host + "/" + container;
    }
  }

  static VerifyReport verify(DesiredSetup setup, List<HostEntry> active, Plan p, Map<String, HostState> states,
      Function<String, Host> host, long t0) {
    List<String> problems = new ArrayList<>();
    List<Endpoint> eps = new ArrayList<>();
    for (HostEntry e : active) {
      IPv6Address prefix = p.network().flatMap(n -> n.host(e.name())).map(HostPlan::dockerPrefix).orElse(null);
      try {
        Docker d = host.apply(e.name()).docker();
        List<Container> cs = new ArrayList<>();
        if (!e.web().isEmpty()) {
          for (String w : e.web()) {
            Container c = d.container(w);
            if (!c.running()) {
              problems.add(e.name() + ": container " + w + " is " + c.state());
            }
            cs.add(c);
          }
        } else {
          cs.addAll(d.containers().stream().filter(Container::running).toList());
        }
        // A host with declared networks is verified through them: on Docker 28 the default bridge
        // stays filtered, so only an address on a routed network says whether the setup works.
        Set<String> declared = new LinkedHashSet<>(e.networks().stream().map(NetworkEntry::name).toList());
        int before = eps.size();
        for (Container c : cs) {
          c.networks().stream().filter(n -> declared.isEmpty() || declared.contains(n.network()))
              .flatMap(n -> n.ipv6().stream())
              .filter(a -> prefix == null || Prefixes.contains(prefix, a)).findFirst()
              .ifPresent(a -> eps.add(new Endpoint(e.name(), c.name(), a.withoutPrefixLength().toCanonicalString())));
        }
        if (eps.size() == before) {
          problems.add(e.name() + ": no running container with an IPv6 address"
              + (prefix == null ? "" : " in " + Prefixes.text(prefix))
              + (declared.isEmpty() ? "" : " on network " + String.join(" or ", declared)
                  + " (docker network connect NETWORK CONTAINER, or docker run --network NETWORK ...)"));
        }
      } catch (RuntimeException ex) {
        problems.add(e.name() + ": " + ex.getMessage());
      }
    }
    List<Endpoint[]> pairs = new ArrayList<>();
    for (Endpoint a : eps) {
      for (Endpoint b : eps) {
        if (a != b) {
          pairs.add(new Endpoint[] {a, b});
        }
      }
    }
    if (eps.size() < 2 && problems.isEmpty()) {
      problems.add("fewer than two web containers: nothing to verify between");
    }
    List<VerifyReport.Check> checks = Parallel.run(pairs, Math.min(4, Math.max(1, pairs.size())),
        pr -> check(host, pr[0], pr[1]));
    Set<String> hops = new LinkedHashSet<>();
    for (int i = 0; i < pairs.size(); i++) {
      if (!checks.get(i).ok()) {
        Endpoint a = pairs.get(i)[0];
        Endpoint b = pairs.get(i)[1];
        hops.addAll(hops(setup, p, states, a, b));
        hops.addAll(hops(setup, p, states, b, a)); // the way back
      }
    }
    return new VerifyReport(setup.name(), checks, problems, new ArrayList<>(hops), (System.nanoTime() - t0) / 1_000_000);
  }

  /** The hops on the way from a to b that do not do what the plan says. */
  private static List<String> hops(DesiredSetup setup, Plan p, Map<String, HostState> states, Endpoint a, Endpoint b) {
    List<String> out = new ArrayList<>();
    if (a.host().equals(b.host()) || p.network().isEmpty()) {
      return out;
    }
    HostState from = states.get(a.host());
    HostState to = states.get(b.host());
    InetAddress dst = IpAddresses.parse(b.address());
    if (setup.mode() == Mode.ROUTED) {
      HostPlan hp = p.network().get().host(a.host()).orElse(null);
      if (hp == null || from == null) {
        return out;
      }
      Route win = Diff.chosen(from.routes(), dst);
      for (StaticRoute r : hp.routes()) {
        if (Prefixes.contains(r.destination(), Prefixes.address(b.address()))) {
          String via = r.via().toCanonicalString();
          boolean ok = win != null && win.gateway() != null && IpAddresses.format(win.gateway()).equals(via);
          if (!ok) {
            out.add(a.host() + ": " + b.address() + " goes " + Diff.hop(win) + " (what the kernel chooses), the plan says "
                + Prefixes.text(r.destination()) + " via " + via + " dev " + r.device());
          }
        }
      }
    } else if (to != null) {
      HostEntry e = setup.host(b.host());
      boolean entry = to.proxies().stream().map(Neighbour::address).anyMatch(dst::equals);
      if (!entry) {
        out.add(b.host() + ": no proxy entry for " + b.address() + " on " + e.uplink() + ", so " + a.host()
            + "'s neighbour solicitations for it go unanswered");
      } else if (!"1".equals(to.proxyNdp())) {
        out.add(b.host() + ": proxy_ndp is off on " + e.uplink());
      }
    }
    return out;
  }

  private static VerifyReport.Check check(Function<String, Host> host, Endpoint from, Endpoint to) {
    Docker d = host.apply(from.host()).docker();
    boolean ping;
    String pingDetail;
    try {
      ExecResult r = d.exec(from.container(), EXEC_TIMEOUT, List.of("ping6", "-c", "1", "-W", "3", to.address()));
      ping = r.ok();
      Matcher m = PING_TIME.matcher(r.stdout());
      pingDetail = ping ? (m.find() ? m.group(1) : "") : firstLine(r.stderr().isBlank() ? r.stdout() : r.stderr(),
          "no answer");
    } catch (RuntimeException ex) {
      ping = false;
      pingDetail = ex.getMessage();
    }
    boolean http;
    String httpDetail;
    try {
      // busybox wget: no -T (Debian's static busybox crashes with it); the exec timeout bounds it.
      ExecResult r = d.exec(from.container(), EXEC_TIMEOUT, List.of("wget", "-qO-", "http://[" + to.address() + "]/"));
      http = r.ok() && !r.stdout().isBlank();
      httpDetail = http ? firstLine(r.stdout(), "") : firstLine(r.stderr(), "exit " + r.exitCode());
    } catch (RuntimeException ex) {
      http = false;
      httpDetail = ex.getMessage();
    }
    return new VerifyReport.Check(from.label(), to.label(), to.address(), ping, pingDetail, http, httpDetail);
  }

  private static String firstLine(String text, String otherwise) {
    for (String l : text.split("\n")) {
      String t = l.replaceAll("<[^>]*>", "").strip();
      if (!t.isEmpty()) {
        return t.length() > 40 ? t.substring(0, 40) + "…" : t;
      }
    }
    return otherwise;
  }
}
