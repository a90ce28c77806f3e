package dev.sixkit.samples;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.Container;
import dev.sixkit.host.Change;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.plan.FirstContact;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Prefixes;
import inet.ipaddr.ipv6.IPv6Address;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A small application on the SDK (dependency dev.sixkit:sdk only): can the containers of an NDP
 * proxy lab reach each other? For each host it lists its running containers' IPv6 addresses, says
 * whether the uplink answers neighbour solicitations for them (proxy_ndp on, one proxy entry per
 * address), and pings every container from every other. With {@code --fix} it first makes what is
 * missing, as the NDP proxy recipe does by hand, and sets the uplink's {@code proxy_delay} to 0 as
 * Sixkit's plans do (the kernel otherwise answers a proxied solicitation after up to 0.8 s).
 *
 * <pre>
 *   ./sixkit lab up --name demo --mode ndp
 *   mvn -q -pl samples exec:java -Dexec.args="demo"          # or java -cp ... dev.sixkit.samples.ProxyCheck demo
 *   mvn -q -pl samples exec:java -Dexec.args="demo --fix"
 * </pre>
 *
 * <p>Exit status: 0 every container answers every other, 1 something is missing or does not
 * answer, 2 usage. Not thread-safe; one run at a time.
 */
public final class ProxyCheck {
  private ProxyCheck() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** A container with its IPv6 address on its host. */
  record Web(String host, String container, String address) {}

  /** Runs the check; returns the exit status. */
  public static int run(String[] args, PrintStream out) {
    if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--fix"))) {
      out.println("usage: ProxyCheck LAB [--fix]");
      return 2;
    }
    boolean fix = args.length == 2;
    Lab lab;
    try {
      lab = Lab.attach(args[0]);
    } catch (SixkitException e) {
      out.println("ProxyCheck: " + e.getMessage());
      return 2;
    }
    if (lab.mode() != Mode.NDP_PROXY) {
      out.println("ProxyCheck: lab " + lab.name() + " is " + lab.mode() + "; this sample checks the NDP proxy recipe");
      return 2;
    }
    Map<String, Host> hosts = new LinkedHashMap<>();
    try {
      for (LabHost h : lab.hosts()) {
        hosts.put(h.name(), lab.connect(h.name()));
      }
      boolean complete = true;
      List<Web> webs = new ArrayList<>();
      for (LabHost lh : lab.hosts()) {
        Host host = hosts.get(lh.name());
        IPv6Address prefix = Prefixes.prefix(lh.dockerPrefix());
        String uplink = lh.uplink();
        if (fix) {
          for (Change c : host.enableProxyNdp(uplink).enabled()) {
            out.println("  " + c);
          }
          out.println("  " + host.sysctl("net.ipv6.neigh." + uplink + ".proxy_delay", FirstContact.PROXY_DELAY));
        }
        boolean proxyNdp = "1".equals(host.sysctl("net.ipv6.conf." + uplink + ".proxy_ndp"));
        String delay = host.sysctl("net.ipv6.neigh." + uplink + ".proxy_delay").trim();
        Set<String> entries = host.proxyNdp(uplink).entries().stream().map(Neighbour::address)
            .map(IpAddresses::format).collect(Collectors.toSet());
        out.println(lh.name() + ": docker " + lh.dockerPrefix() + ", " + uplink + " proxy_ndp " + (proxyNdp ? "on" : "OFF")
            + ", proxy_delay " + delay + (FirstContact.PROXY_DELAY.equals(delay) ? "" : " (first answers wait)"));
        complete &= proxyNdp;
        for (Container c : host.docker().containers()) {
          var a = c.ipv6().filter(x -> c.running() && Prefixes.contains(prefix, x));
          if (a.isEmpty()) {
            continue;
          }
          String addr = a.get().withoutPrefixLength().toCanonicalString();
          webs.add(new Web(lh.name(), c.name(), addr));
          boolean has = entries.contains(addr);
          if (!has && fix) {
            out.println("  " + host.proxyNdp(uplink).proxy(addr));
            has = true;
          }
          out.println("  " + c.name() + " " + addr + ": proxy entry " + (has ? "present" : "MISSING"));
          complete &= has;
        }
      }
      int answered = 0;
      int tried = 0;
      for (Web from : webs) {
        for (Web to : webs) {
          if (from == to) {
            continue;
          }
          tried++;
          ExecResult r = hosts.get(from.host()).docker().exec(from.container(), "ping6", "-c", "1", "-W", "3", to.address());
          out.println("ping6 " + from.host() + "/" + from.container() + " -> " + to.host() + "/" + to.container() + ": "
              + (r.ok() ? "answers" : "NO ANSWER"));
          answered += r.ok() ? 1 : 0;
        }
      }
      boolean ok = complete && tried > 0 && answered == tried;
      out.println(ok ? "OK: every container answers every other (" + tried + " pairs)"
          : "NOT OK: " + (complete ? "" : "proxy_ndp or proxy entries missing (run with --fix); ") + answered + " of "
              + tried + " pairs answer ping6");
      return ok ? 0 : 1;
    } catch (SixkitException e) {
      out.println("ProxyCheck: " + e.getMessage());
      return 1;
    } finally {
      hosts.values().forEach(Host::close);
    }
  }
}
