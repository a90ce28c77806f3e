package dev.sixkit.doctor;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonConfig;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.docker.NetworkAttachment;
import dev.sixkit.docker.PublishedPort;
import dev.sixkit.doctor.Diagnosis.Finding;
import dev.sixkit.doctor.Diagnosis.Fix;
import dev.sixkit.doctor.Diagnosis.Status;
import dev.sixkit.doctor.Diagnosis.Verdict;
import dev.sixkit.host.Host;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.NudState;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.Socket;
import dev.sixkit.plan.ContainerAddresses;
import dev.sixkit.plan.EngineNeeds;
import dev.sixkit.plan.FirstContact;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.Subnet;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Explains reachability from real state, the way the recipes reason about "Address unreachable":
 * the route lookup (on-link or through a gateway, which device), the neighbour entry and its
 * state, proxy_ndp and forwarding on the devices involved (and proxy_delay on each uplink that must
 * answer for a proxied address: a warning when it is not 0, since the first answer then waits),
 * whether the host owning the destination's prefix has a proxy entry for it, and whether a container
 * holds the address. It ends with a verdict and the fix as the exact SDK call and the {@code ip}
 * command; an NDP proxy fix also sets proxy_delay to 0 where it is not, as a plan does.
 *
 * <pre>{@code
 * Diagnosis d = docker2.doctor().peers(docker1).reach("2001:db8:ab11:0:8000:242:ac11:2", "web2");
 * System.out.print(d.render());
 * docker2.doctor().exposure().fullyExposed();        // containers reachable on every port
 * docker2.doctor().listeningSockets();               // like ss -ltnp (docker-proxy on [::]:PORT)
 * }</pre>
 *
 * <p>Read-only: it changes nothing. Immutable; thread-safe as far as its hosts are.
 */
public final class Doctor {
  private final Host host;
  private final List<Host> peers;
  private final DaemonConfig daemonConfig;

  Doctor(Host host, List<Host> peers, DaemonConfig daemonConfig) {
    this.host = Objects.requireNonNull(host, "host");
    this.peers = List.copyOf(peers);
    this.daemonConfig = daemonConfig;
  }

  /**
   * A doctor for a host; {@link Host#doctor()} is the usual way in.
   *
   * @param host the host to examine
   * @return a doctor with no peers
   */
  public static Doctor of(Host host) {
    return new Doctor(host, List.of(), null);
  }

  /**
   * The other Docker hosts, so the doctor can look at the host that owns a destination's prefix.
   *
   * @param others the other hosts; this host and nulls are ignored
   * @return a new doctor with them set (a Doctor is immutable)
   */
  public Doctor peers(Host... others) {
    return peers(Arrays.asList(others));
  }

  /**
   * {@link #peers(Host...)} from a collection.
   *
   * @param others the other hosts; this host and nulls are ignored
   * @return a new doctor with them set (a Doctor is immutable)
   */
  public Doctor peers(Collection<Host> others) {
    List<Host> all = new ArrayList<>(peers);
    for (Host h : others) {
      if (h != null && !h.equals(host) && !all.contains(h)) {
        all.add(h);
      }
    }
    return new Doctor(host, all, daemonConfig);
  }

  /**
   * What dockerd was started with (userland-proxy, ip6tables...), for what the Engine API does not
   * report. Without it the doctor reads the running dockerd's command line and --config-file.
   *
   * @param given the daemon's settings
   * @return a new doctor with them set (a Doctor is immutable)
   */
  public Doctor daemonConfig(DaemonConfig given) {
    return new Doctor(host, peers, given);
  }

  // ---------------------------------------------------------------- reach

  /**
   * Why {@code destination} is or is not reachable from this host's containers, both ways: the
   * doctor picks a running container of this host with a global IPv6 address as the other end
   * (the first by name; {@link #reach(String, String)} chooses one) and checks the way back to it
   * too, so its fixes are the complete set on every host involved.
   *
   * @param destination an IPv6 address literal
   * @return the verdict, the checks and the fixes
   */
  public Diagnosis reach(String destination) {
    return reach(destination, null);
  }

  /**
   * {@link #reach(String)} for an address value, such as a container's {@code ipv6()}.
   *
   * @param destination the address
   * @return the verdict, the checks and the fixes
   */
  public Diagnosis reach(inet.ipaddr.IPAddress destination) {
    return reach(destination.withoutPrefixLength().toCanonicalString(), null);
  }

  /**
   * {@link #reach(String, String)} for an address value.
   *
   * @param destination the address
   * @param fromContainer the container's name, null to pick one, "" for the forward path only
   * @return the verdict, the checks and the fixes
   */
  public Diagnosis reach(inet.ipaddr.IPAddress destination, String fromContainer) {
    return reach(destination.withoutPrefixLength().toCanonicalString(), fromContainer);
  }

  /**
   * Why {@code destination} is or is not reachable from a container of this host: the forward path,
   * then the way back to the container's own address. With {@code fromContainer} null the doctor
   * finds that end itself (see {@link #reach(String)}); with "" it checks the way there only.
   *
   * @param destination an IPv6 address literal
   * @param fromContainer the container's name, null to pick one, "" for the forward path only
   * @return the verdict, the checks and the fixes
   */
  public Diagnosis reach(String destination, String fromContainer) {
    Inet6Address dst = IpAddresses.parseV6(destination, "reach");
    String d = IpAddresses.format(dst);
    List<Finding> f = new ArrayList<>();
    List<Fix> fixes = new ArrayList<>();
    String source = fromContainer != null ? fromContainer : otherEnd(dst, f);

    // Who holds the address: a container here, or on a peer.
    Optional<Holders.Holder> holder = Holders.find(host, peers, dst, f);

    // 1. route lookup
    Route route;
    try {
      route = host.routeTo(d);
    } catch (NetlinkException e) {
      route = null;
      f.add(new Finding("route", host.name(), Status.FAIL, "ip -6 route get " + d + ": " + e.errnoName()
          + " (no route matches)"));
    }
    if (route == null || route.type() == Route.TYPE_UNREACHABLE || route.type() == Route.TYPE_BLACKHOLE
        || route.type() == Route.TYPE_PROHIBIT) {
      if (route != null) {
        f.add(new Finding("route", host.name(), Status.FAIL, d + " is " + typeName(route) + " here"));
      }
      Optional<Fix> fix = holder.filter(h -> h.host() != host).flatMap(h -> routeFix(host, h.host(), h.prefix()));
      fix.ifPresent(fixes::add);
      return done(d, source, f, Verdict.NO_ROUTE, "the kernel has no route to " + d
          + holder.map(h -> ", which lives on " + h.host().name() + " (" + h.prefix() + ")").orElse("")
          + (fix.isPresent() ? ": add a static route to its prefix, as the routed recipe does" : ""), fixes);
    }
    if (route.type() == Route.TYPE_LOCAL) {
      f.add(new Finding("route", host.name(), Status.OK, d + " is an address of this host"));
      return done(d, source, f, Verdict.REACHABLE, d + " is local to " + host.name(), fixes);
    }
    String dev = route.device();
    InetAddress gw = route.gateway();
    f.add(new Finding("route", host.name(), Status.OK, gw == null
        ? d + " dev " + dev + ": on-link (the kernel resolves it with neighbour discovery on " + dev + ")"
        : d + " via " + IpAddresses.format(gw) + " dev " + dev));

    // 2. local container behind a bridge
    if (holder.isPresent() && holder.get().host() == host) {
      Holders.Holder h = holder.get();
      if (!h.running()) {
        return done(d, source, f, Verdict.NO_CONTAINER, "container " + h.container() + " holds " + d + " but is "
            + h.state(), fixes);
      }
      return returnPath(d, source, f, fixes, Verdict.REACHABLE, "container " + h.container() + " on this host holds " + d
          + " (dev " + dev + ")", h);
    }

    // 3. the neighbour the kernel must resolve: the gateway, or the destination itself on-link
    String next = gw == null ? d : IpAddresses.format(gw);
    List<Neighbour> neigh = host.neighbours().dev(dev).address(next).list();
    NudState state = neigh.isEmpty() ? null : neigh.get(0).state();
    boolean unresolved = state == NudState.FAILED || state == NudState.INCOMPLETE;
    if (neigh.isEmpty()) {
      f.add(new Finding("neighbour", host.name(), Status.INFO, "no entry for " + next + " on " + dev
          + " yet (nothing was sent there lately)"));
    } else {
      f.add(new Finding("neighbour", host.name(), unresolved ? Status.FAIL : Status.OK, neigh.get(0).toString()
          + (unresolved ? " (neighbour solicitations for it went unanswered)" : "")));
    }
    String fwd = sysctl(host, "net.ipv6.conf." + dev + ".forwarding");
    f.add(new Finding("forwarding", host.name(), "1".equals(fwd) ? Status.OK : Status.INFO,
        "net.ipv6.conf." + dev + ".forwarding = " + fwd + ("1".equals(fwd) ? "" : " (needed to forward containers' traffic)")));

    if (gw != null) {
      return viaGateway(dst, source, f, fixes, holder, next, dev, unresolved);
    }

    // 4. on-link: someone must answer neighbour solicitations for d on this link
    if (holder.isEmpty()) {
      if (unresolved) {
        // Unknown host: its sysctls were not read, so the fix sets them all (each is idempotent).
        fixes.add(proxyFix("the host holding " + d, "host", "answer neighbour solicitations for " + d + " on its uplink",
            "eth0", d, false, true));
        return done(d, source, f, Verdict.NEIGHBOUR_UNRESOLVED, d + " is on-link on " + dev
            + " but nothing answers for it, and no known host owns it", fixes);
      }
      return done(d, source, f, Verdict.REACHABLE, d + " is on-link on " + dev
          + (state == null ? " (not tried yet; no known host owns it)" : " and resolves"), fixes);
    }
    return viaNdpProxy(dst, source, f, fixes, holder.get(), dev);
  }

  /** The destination is routed through a gateway: it must resolve, and the owner must forward. */
  private Diagnosis viaGateway(Inet6Address dst, String source, List<Finding> f, List<Fix> fixes, Optional<Holders.Holder> holder,
      String next, String dev, boolean unresolved) {
    String d = IpAddresses.format(dst);
    if (unresolved) {
      return done(d, source, f, Verdict.GATEWAY_UNRESOLVED, "the gateway " + next + " on " + dev
          + " does not answer neighbour solicitations", fixes);
    }
    if (holder.isEmpty()) {
      return done(d, source, f, Verdict.REACHABLE, "routed via " + next + "; no known host holds " + d
          + " (give the doctor its peers to check further)", fixes);
    }
    Holders.Holder h = holder.get();
    Verdict v = checkOwnerForwarding(h, f, fixes, h.uplink());
    if (v != null) {
      return done(d, source, f, v, h.host().name() + " does not forward IPv6 on " + h.uplink(), fixes);
    }
    if (!h.running()) {
      return done(d, source, f, Verdict.NO_CONTAINER, h.container() + " on " + h.host().name() + " is " + h.state(), fixes);
    }
    if (FirewallCheck.blocked(h.host(), h.uplink(), d, h.prefix(), f, fixes)) {
      return done(d, source, f, Verdict.BLOCKED_BY_FIREWALL, FirewallCheck.summary(h.host(), d, f), fixes);
    }
    return returnPath(d, source, f, fixes, Verdict.REACHABLE, "routed via " + next + " to " + h.host().name()
        + ", where " + h.container() + " holds " + d, h);
  }

  /**
   * The destination is on-link here but lives behind the owner's bridge: the owner must answer
   * for it on its uplink (proxy_ndp, an entry, forwarding), and the way back must hold too.
   */
  private Diagnosis viaNdpProxy(Inet6Address dst, String source, List<Finding> f, List<Fix> fixes, Holders.Holder h, String dev) {
    String d = IpAddresses.format(dst);
    f.add(new Finding("owner", h.host().name(), Status.INFO, d + " lies in " + h.prefix() + " of " + h.host().name()
        + ", behind its bridge: " + host.name() + " sees it on-link on " + dev
        + ", so " + h.host().name() + " must answer for it on " + h.uplink() + " (NDP proxy)"));
    boolean missing = false;
    List<Fix> ownerFixes = new ArrayList<>();
    String pn = sysctl(h.host(), "net.ipv6.conf." + h.uplink() + ".proxy_ndp");
    String all = sysctl(h.host(), "net.ipv6.conf.all.proxy_ndp");
    boolean proxyNdp = "1".equals(pn) || "1".equals(all);
    f.add(new Finding("proxy_ndp", h.host().name(), proxyNdp ? Status.OK : Status.FAIL,
        "net.ipv6.conf." + h.uplink() + ".proxy_ndp = " + pn));
    String ofwd = sysctl(h.host(), "net.ipv6.conf." + h.uplink() + ".forwarding");
    boolean forwarding = "1".equals(ofwd);
    f.add(new Finding("forwarding", h.host().name(), forwarding ? Status.OK : Status.FAIL,
        "net.ipv6.conf." + h.uplink() + ".forwarding = " + ofwd + (forwarding ? ""
            : " (the kernel answers proxied solicitations only on a forwarding interface)")));
    boolean delayed = checkProxyDelay(h.host(), h.uplink(), f);
    boolean entry = h.host().proxyEntries().stream()
        .anyMatch(n -> n.address().equals(dst) && h.uplink().equals(n.device()));
    f.add(new Finding("proxy entry", h.host().name(), entry ? Status.OK : Status.FAIL, entry
        ? d + " dev " + h.uplink() + " proxy" : "no proxy entry for " + d + " on " + h.uplink()
            + " (ip -6 neigh show proxy lists none)"));
    String var = h.host().name();
    if (!entry && h.keepsNoEntry()) {
      // An exited or created container gets no entry (ContainerAddresses): start it, not the proxy.
      return done(d, source, f, Verdict.NO_CONTAINER, h.container() + " on " + h.host().name() + " is " + h.state(), fixes);
    }
    if (!proxyNdp || !entry) {
      missing = true;
      ownerFixes.add(proxyFix(h.host().name(), var, "answer neighbour solicitations for " + d + " on " + h.uplink(),
          h.uplink(), d, proxyNdp, delayed));
    }
    if (!forwarding) {
      // proxy_delay rides along here when no proxy fix carries it: one round of fixes leaves no warning.
      boolean alsoDelay = delayed && !missing;
      String delayKey = proxyDelayKey(h.uplink());
      ownerFixes.add(new Fix(h.host().name(), "forward IPv6 on " + h.uplink()
          + (alsoDelay ? ", answering proxied solicitations at once (proxy_delay " + FirstContact.PROXY_DELAY + ")" : ""),
          var + ".sysctl(\"net.ipv6.conf." + h.uplink() + ".forwarding\", \"1\")"
              + (alsoDelay ? "; " + var + ".sysctl(\"" + delayKey + "\", \"" + FirstContact.PROXY_DELAY + "\")" : ""),
          "sysctl -w net.ipv6.conf." + h.uplink() + ".forwarding=1"
              + (alsoDelay ? " " + delayKey + "=" + FirstContact.PROXY_DELAY : "")));
    }
    f.add(new Finding("container", h.host().name(), h.running() ? Status.OK : Status.FAIL,
        h.container() + " holds " + d + " (" + h.state() + ")"));
    if (missing || !forwarding) {
      fixes.addAll(ownerFixes);
      if (!source.isEmpty() && h.running()) {
        // Say now what the way back will need too, so one round of fixes is enough.
        Diagnosis back = returnPath(d, source, new ArrayList<>(), new ArrayList<>(), Verdict.REACHABLE, "", h);
        f.addAll(back.findings());
        fixes.addAll(back.fixes());
      }
      return done(d, source, f, missing ? Verdict.NEEDS_NDP_PROXY : Verdict.FORWARDING_OFF,
          host.name() + " looks for " + d + " on-link on " + dev + " with neighbour discovery, and " + h.host().name()
              + (missing ? " does not answer for it (no NDP proxy entry" + (proxyNdp ? "" : ", proxy_ndp off") + ")"
                  : " does not forward on " + h.uplink()), fixes);
    }
    if (!h.running()) {
      return done(d, source, f, Verdict.NO_CONTAINER, h.container() + " on " + h.host().name() + " is " + h.state(), fixes);
    }
    if (FirewallCheck.blocked(h.host(), h.uplink(), d, h.prefix(), f, fixes)) {
      return done(d, source, f, Verdict.BLOCKED_BY_FIREWALL, FirewallCheck.summary(h.host(), d, f), fixes);
    }
    return returnPath(d, source, f, fixes, Verdict.REACHABLE, h.host().name() + " answers for " + d + " on " + h.uplink()
        + " and forwards to " + h.container(), h);
  }

  /** A running container of this host with a global IPv6 address (not the destination): the end the way back leads to. */
  private String otherEnd(Inet6Address dst, List<Finding> f) {
    Optional<Docker> dk = Holders.dockerOf(host);
    if (dk.isEmpty()) {
      return "";
    }
    try {
      Optional<Container> c = dk.get().containers().stream().filter(Container::running)
          .filter(x -> x.ipv6().isPresent() && !x.ipv6().get().toCanonicalString().equals(IpAddresses.format(dst)))
          .min(java.util.Comparator.comparing(Container::name));
      c.ifPresent(x -> f.add(new Finding("source", host.name(), Status.INFO, "checking both ways, from "
          + x.name() + " (" + x.ipv6().get().toCanonicalString() + "); --from chooses another container")));
      return c.map(Container::name).orElse("");
    } catch (RuntimeException e) {
      return "";
    }
  }

  private Verdict checkOwnerForwarding(Holders.Holder h, List<Finding> f, List<Fix> fixes, String dev) {
    String all = sysctl(h.host(), "net.ipv6.conf.all.forwarding");
    f.add(new Finding("forwarding", h.host().name(), "1".equals(all) ? Status.OK : Status.FAIL,
        "net.ipv6.conf.all.forwarding = " + all));
    if (!"1".equals(all)) {
      fixes.add(new Fix(h.host().name(), "forward IPv6", h.host().name() + ".sysctl(\"net.ipv6.conf.all.forwarding\", \"1\")",
          "sysctl -w net.ipv6.conf.all.forwarding=1"));
      return Verdict.FORWARDING_OFF;
    }
    return null;
  }

  /** With a source container: can the destination's host send the answers back to it? */
  private Diagnosis returnPath(String d, String source, List<Finding> f, List<Fix> fixes, Verdict v, String summary,
      Holders.Holder h) {
    if (source.isEmpty()) {
      return done(d, source, f, v, summary, fixes);
    }
    Optional<Container> c = Holders.dockerOf(host).flatMap(dk -> dk.findContainer(source));
    if (c.isEmpty() || c.get().ipv6().isEmpty()) {
      f.add(new Finding("source", host.name(), Status.WARN, "container " + source + " not found or without IPv6"));
      return done(d, source, f, v, summary, fixes);
    }
    String src = c.get().ipv6().get().toCanonicalString();
    Holders.IPv6Prefix srcPrefix = Holders.prefixOf(c.get());
    if (h.host() == host) {
      f.add(new Finding("return path", host.name(), Status.OK, "both ends are on " + host.name()));
      return done(d, source, f, v, summary, fixes);
    }
    Route back;
    try {
      back = h.host().routeTo(src);
    } catch (NetlinkException e) {
      f.add(new Finding("return path", h.host().name(), Status.FAIL, "ip -6 route get " + src + ": " + e.errnoName()));
      routeFix(h.host(), host, srcPrefix.text()).ifPresent(fixes::add);
      return done(d, source, f, Verdict.RETURN_PATH_BROKEN, h.host().name() + " has no route back to " + src
          + " (" + source + ")", fixes);
    }
    if (back.gateway() != null) {
      f.add(new Finding("return path", h.host().name(), Status.OK, src + " via " + IpAddresses.format(back.gateway())
          + " dev " + back.device()));
      return done(d, source, f, v, summary, fixes);
    }
    // On-link for the other host: this host must answer for the source on its uplink.
    String uplink = uplinkFacing(host, back, h.host()).orElse(back.device());
    InetAddress srcAddr = IpAddresses.parse(src);
    boolean entry = host.proxyEntries().stream().anyMatch(n -> n.address().equals(srcAddr) && uplink.equals(n.device()));
    String pn = sysctl(host, "net.ipv6.conf." + uplink + ".proxy_ndp");
    boolean proxyNdp = "1".equals(pn) || "1".equals(sysctl(host, "net.ipv6.conf.all.proxy_ndp"));
    f.add(new Finding("return path", h.host().name(), Status.INFO, src + " dev " + back.device()
        + ": on-link, so " + host.name() + " must answer for it"));
    f.add(new Finding("proxy entry", host.name(), entry && proxyNdp ? Status.OK : Status.FAIL, entry
        ? src + " dev " + uplink + " proxy" + (proxyNdp ? "" : " (but proxy_ndp = " + pn + ")")
        : "no proxy entry for " + src + " on " + uplink));
    boolean delayed = checkProxyDelay(host, uplink, f);
    if (entry && proxyNdp) {
      if (v == Verdict.REACHABLE) {
        // Answers to what the source sent pass as tracked (and often masqueraded) connections, so
        // a dropping rule here only blocks connections other hosts start: say so, do not fail.
        List<Fix> unused = new ArrayList<>();
        if (FirewallCheck.blocked(host, uplink, src, srcPrefix.text(), f, unused)) {
          Finding last = f.remove(f.size() - 1);
          f.add(new Finding(last.check(), last.host(), Status.WARN, "answers to " + source + "'s own traffic pass"
              + " (tracked connections), but connections other hosts start to " + src + " are dropped: "
              + last.detail()));
        }
      }
      return done(d, source, f, v, summary + "; the answers find their way back to " + source, fixes);
    }
    fixes.add(proxyFix(host.name(), host.name(), "answer neighbour solicitations for " + source + "'s " + src + " on "
        + uplink, uplink, src, proxyNdp, delayed));
    return done(d, source, f, Verdict.RETURN_PATH_BROKEN, "the way there works, but " + h.host().name()
        + " finds " + src + " on-link and nobody answers for it: " + host.name() + " must proxy it", fixes);
  }

  /**
   * The proxy_delay finding for a host that must answer for a proxied address: not a fault, but a
   * plan and the sync set it to 0, since a delayed answer makes a container's first ping slow.
   *
   * @return whether a fix should set it to 0 (it reads as a number other than 0)
   */
  private static boolean checkProxyDelay(Host on, String uplink, List<Finding> f) {
    String key = proxyDelayKey(uplink);
    String delay = sysctl(on, key);
    boolean atOnce = FirstContact.PROXY_DELAY.equals(delay);
    boolean number = delay.matches("\\d{1,6}");
    f.add(new Finding("proxy_delay", on.name(), atOnce ? Status.OK : Status.WARN, key + " = " + delay + (atOnce ? ""
        : " (the first answer for a container waits up to " + (number ? Integer.parseInt(delay) * 10 + " ms" : "that")
            + "; sysctl -w " + key + "=" + FirstContact.PROXY_DELAY + " answers at once, as a plan or the NDP sync does)")));
    return number && !atOnce;
  }

  private static String proxyDelayKey(String uplink) {
    return "net.ipv6.neigh." + uplink + ".proxy_delay";
  }

  /**
   * The fix for a host that does not answer neighbour solicitations for {@code address}: the proxy
   * entry, with proxy_ndp turned on when it is off and proxy_delay set to 0 when it is not (as a
   * plan and the sync do), so that after this one fix the doctor finds nothing left on that uplink.
   */
  private static Fix proxyFix(String hostName, String var, String description, String uplink, String address,
      boolean proxyNdp, boolean delayed) {
    List<String> sysctls = new ArrayList<>();
    if (!proxyNdp) {
      sysctls.add("net.ipv6.conf." + uplink + ".proxy_ndp=1");
    }
    String delayKey = proxyDelayKey(uplink);
    if (delayed) {
      sysctls.add(delayKey + "=" + FirstContact.PROXY_DELAY);
    }
    String ip = (sysctls.isEmpty() ? "" : "sysctl -w " + String.join(" ", sysctls) + " && ")
        + "ip -6 neigh add proxy " + address + " dev " + uplink;
    String sdk = var + ".enableProxyNdp(\"" + uplink + "\").proxy(\"" + address + "\")"
        + (delayed ? "; " + var + ".sysctl(\"" + delayKey + "\", \"" + FirstContact.PROXY_DELAY + "\")" : "");
    return new Fix(hostName, description + (delayed ? ", at once (proxy_delay " + FirstContact.PROXY_DELAY + ")" : ""),
        sdk, ip);
  }

  private Diagnosis done(String d, String source, List<Finding> f, Verdict v, String summary, List<Fix> fixes) {
    return new Diagnosis(host.name(), d, source, f, v, summary, fixes);
  }

  private static String typeName(Route r) {
    return switch (r.type()) {
      case Route.TYPE_UNREACHABLE -> "unreachable";
      case Route.TYPE_BLACKHOLE -> "a blackhole";
      case Route.TYPE_PROHIBIT -> "prohibited";
      default -> "type " + r.type();
    };
  }

  /** A static route on {@code on} to {@code prefix} through {@code target}'s address on their shared link. */
  private static Optional<Fix> routeFix(Host on, Host target, String prefix) {
    for (Address mine : globalV6(on)) {
      for (Address theirs : globalV6(target)) {
        if (mine.prefix().network().equals(theirs.prefix().network()) && !mine.address().equals(theirs.address())) {
          String via = IpAddresses.format(theirs.address());
          return Optional.of(new Fix(on.name(), "route " + prefix + " through " + target.name(),
              on.name() + ".route(\"" + prefix + "\").via(\"" + via + "\").add()",
              "ip -6 route add " + prefix + " via " + via));
        }
      }
    }
    return Optional.empty();
  }

  static List<Address> globalV6(Host h) {
    List<Address> out = new ArrayList<>();
    for (Address a : h.addresses()) {
      if (a.address() instanceof Inet6Address && !a.address().isLinkLocalAddress() && !a.address().isLoopbackAddress()
          && a.scope() == 0) {
        out.add(a);
      }
    }
    return out;
  }

  /** The device of {@code on} on the link it shares with {@code other}: where other's route points and on owns an address. */
  private static Optional<String> uplinkFacing(Host on, Route otherRoute, Host other) {
    for (Address theirs : globalV6(other)) {
      if (!theirs.device().equals(otherRoute.device())) {
        continue;
      }
      for (Address mine : globalV6(on)) {
        if (theirs.prefix().network().equals(mine.prefix().network())) {
          return Optional.of(mine.device());
        }
      }
    }
    return Optional.empty();
  }

  private static String sysctl(Host h, String key) {
    try {
      return h.sysctl(key).trim();
    } catch (RuntimeException e) {
      return "?";
    }
  }

  // ---------------------------------------------------------------- sockets and exposure

  /**
   * The host's TCP listening sockets with their processes, like {@code ss -ltnp} ({@link
   * Host#listeningSockets}).
   *
   * @return the sockets, possibly empty
   */
  public List<Socket> listeningSockets() {
    return host.listeningSockets();
  }

  /**
   * How the host's running containers are exposed over IPv6: fully exposed endpoints (a global
   * address, no published port) and each published port explained.
   *
   * @return the exposure report
   */
  public Exposure exposure() {
    return ExposureReader.read(host, daemonConfig);
  }
}
