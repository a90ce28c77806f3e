package dev.sixkit.cli;

import dev.sixkit.docker.Container;
import dev.sixkit.host.Change;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.plan.HostPlan;
import dev.sixkit.plan.Mode;
import dev.sixkit.firewall.Firewall;
import dev.sixkit.firewall.Rule;
import dev.sixkit.firewall.Ruleset;
import dev.sixkit.firewall.Verdict;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.WebImage;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NudState;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit demo}: the NDP proxy recipe on the built-in lab, from nothing to a working
 * ping: two Docker hosts share 2001:db8:ab11::/64, each runs Docker on one /66 of it; ping6 from
 * web2 to web1 fails with docker2's neighbour entry unresolved; proxy_ndp and one proxy entry per
 * container fix it. Exit 0 only when the "before" fails and the "after" works.
 *
 * <p>On Docker 28 (the default engine) the story goes on as it does for today's users: the recipe's
 * steps alone still lose every ping, the packet filter reader names the rule that drops them, and
 * the fix is the routed gateway mode (a user-defined IPv6 network with
 * {@code com.docker.network.bridge.gateway_mode_ipv6=routed}, port 80 published), after which
 * ping6 and HTTP answer.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"The NDP proxy recipe on a lab of two Docker hosts, from nothing to a working ping.",
        "Needs root; installs docker.io and busybox-static with apt when they are missing."})
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--keep", description = "Leave the lab up afterwards (./sixkit lab down --name NAME removes it).")
  boolean keep;

  @Option(names = "--name", defaultValue = "sxdemo", description = "Lab name (default ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--no-install", description = "Do not apt-get install missing packages; say what is missing.")
  boolean noInstall;

  @picocli.CommandLine.Mixin
  LabCommand.EngineOption engine;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Prerequisites.ensure(out, !noInstall);
    Lab lab = null;
    boolean ok = false;
    try {
      title("1. The lab: two Docker hosts on one link, 2001:db8:ab11::/64, Docker " + engine.engine().name());
      lab = Lab.builder().name(name).hosts(2).mode(Mode.NDP_PROXY).engine(engine.engine()).replace(true)
          .progress(m -> say("   " + m)).up();
      say("");
      say("The /64 is split into four /66s; the hosts keep the first for themselves and Docker gets the last two:");
      for (HostPlan hp : lab.plan().hosts()) {
        say("   " + hp.host() + ": ExecStart=/usr/bin/dockerd " + String.join(" ", hp.dockerdArgs()));
      }
      ok = recipe(lab);
    } finally {
      if (lab != null && !keep) {
        title((lab.engine().system() ? "5" : "7") + ". Tearing the lab down");
        List<String> removed = Lab.down(lab.name(), m -> { });
        say("   removed " + removed.size() + " objects (namespaces, daemons, mounts, links)");
      } else if (lab != null) {
        say("");
        say("The lab stays up (--keep). Look around:");
        say("   ip netns exec " + lab.host("docker2").netns() + " ip -6 neighbor show");
        say("   DOCKER_HOST=" + lab.host("docker2").dockerEndpoint() + " docker exec web2 ping6 -c 2 ...");
        say("   ./sixkit lab down --name " + lab.name());
      }
    }
    say("");
    say(ok ? "Demo passed: before the recipe web2 could not reach web1; after it, ping6 and HTTP answer."
        : "Demo FAILED: see above.");
    return ok ? Main.OK : Main.FAILURE;
  }

  private boolean recipe(Lab lab) {
    try (Host docker1 = lab.connect("docker1"); Host docker2 = lab.connect("docker2")) {
      Container web1 = docker1.docker().container("web1");
      Container web2 = docker2.docker().container("web2");
      String a1 = web1.ipv6().orElseThrow().toCanonicalString();
      String a2 = web2.ipv6().orElseThrow().toCanonicalString();

      title("2. web2 tries to reach web1");
      say("user@docker1:~$ docker exec web1 ip -6 addr show dev eth0");
      print(docker1.docker().exec("web1", "ip", "-6", "addr", "show", "dev", "eth0").stdout());
      say("user@docker2:~$ docker exec -it web2 ping6 -c 4 " + a1);
      // Four seconds: long enough for docker2 to give up on the neighbour and answer "Address unreachable".
      ExecResult before = docker2.docker().exec("web2", "ping6", "-c", "4", "-w", "5", a1);
      print(before.stdout() + before.stderr());
      say("user@docker2:~$ ip -6 neighbor show");
      // As ip shows it: no NOARP (multicast) entries; the lab's management link left out.
      docker2.neighbours().list().stream()
          .filter(n -> n.state() != NudState.NOARP && n.state() != NudState.NONE && !n.device().equals("mgmt0"))
          .forEach(n -> say(n.toString()));
      List<Neighbour> unresolved = docker2.neighbours().dev("eth0").address(a1).unresolved().list();
      say("");
      say("docker2 thinks " + a1 + " is on-link on eth0 (it is inside 2001:db8:ab11::/64), asks for it with a");
      say("neighbour solicitation, and nobody answers: the entry is "
          + (unresolved.isEmpty() ? "missing" : unresolved.get(0).state()) + ".");
      // 20.10 keeps the recipe's picture (an unresolved entry); 28 may already have dropped the failed entry.
      boolean failedBefore = !before.ok() && (!unresolved.isEmpty() || !lab.engine().system()
          && docker2.neighbours().dev("eth0").address(a1).list().stream().noneMatch(n -> n.state() == NudState.REACHABLE
              || n.state() == NudState.STALE || n.state() == NudState.DELAY));

      title("3. The fix: proxy_ndp on eth0 and a proxy entry per container, on its own host");
      List<Change> changes = new ArrayList<>();
      Host.ProxyNdp p1 = docker1.enableProxyNdp("eth0");
      Host.ProxyNdp p2 = docker2.enableProxyNdp("eth0");
      changes.addAll(p1.enabled());
      changes.addAll(p2.enabled());
      say("user@docker1:~$ sudo sysctl net.ipv6.conf.eth0.proxy_ndp=1        # docker1.enableProxyNdp(\"eth0\")");
      say("user@docker2:~$ sudo sysctl net.ipv6.conf.eth0.proxy_ndp=1        # docker2.enableProxyNdp(\"eth0\")");
      changes.add(p1.proxy(a1));
      say("user@docker1:~$ sudo ip -6 neigh add proxy " + a1 + " dev eth0   # .proxy(\"" + a1 + "\")");
      changes.add(p2.proxy(a2));
      say("user@docker2:~$ sudo ip -6 neigh add proxy " + a2 + " dev eth0   # .proxy(\"" + a2 + "\")");
      say("");
      say("What changed:");
      changes.forEach(c -> say("   " + c));

      title("4. web2 tries again");
      say("user@docker2:~$ docker exec -it web2 ping6 -c 2 " + a1);
      ExecResult after = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "3", a1);
      print(after.stdout() + after.stderr());
      if (!lab.engine().system() && !after.ok()) {
        if (!failedBefore) {
          say("!! expected the first ping to fail with an unresolved neighbour entry, it did not");
        }
        return failedBefore && modernFix(lab, docker1, docker2, a1);
      }
      say("user@docker2:~$ docker exec -it web2 wget -qO- http://[" + a1 + "]/");
      ExecResult page = docker2.docker().exec("web2", "wget", "-qO-", "http://[" + a1 + "]/");
      print(page.stdout() + page.stderr());
      say("user@docker2:~$ ip -6 neighbor show proxy");
      docker2.proxyEntries().forEach(n -> say(n.toString()));
      boolean worksAfter = after.ok() && page.ok() && page.stdout().contains("Web Server #1");
      if (!lab.engine().system()) {
        say("!! expected Docker " + lab.engine() + "'s packet filter to drop the ping after the recipe's steps, it did not");
        return false;
      }
      if (!failedBefore) {
        say("!! expected the first ping to fail with an unresolved neighbour entry, it did not");
      }
      if (!worksAfter) {
        say("!! expected ping6 and the page to answer after the recipe, they did not");
      }
      return failedBefore && worksAfter;
    }
  }

  /**
   * Docker 28: the recipe's steps were not enough. The packet filter reader names the rule, then the
   * routed gateway mode (a user-defined network, port 80 published) lets ping6 and HTTP through.
   */
  private boolean modernFix(Lab lab, Host docker1, Host docker2, String a1) {
    say("");
    say("The neighbour entry resolves now, and still every ping is lost: Docker "
        + docker1.docker().daemon().version() + " filters IPv6 itself.");
    title("5. Why: the packet filter of docker1, read and evaluated");
    Ruleset rules = Firewall.read(docker1);
    Verdict v = rules.verdict(lab.host("docker1").uplink(), a1);
    say("user@docker1:~$ sudo ip6tables -t " + v.by().map(Rule::table).orElse("raw") + " -S -v     "
        + "# Firewall.read(docker1).verdict(\"eth0\", \"" + a1 + "\")");
    say("   " + v.describe());
    v.by().ifPresent(r -> say("   the rule's counter: " + r.packets() + " packets dropped"));
    if (v.passes()) {
      say("!! expected the packet filter to drop the ping, it lets it pass");
      return false;
    }
    say("");
    say("Docker 28 puts containers of a bridge in NAT gateway mode: from outside they are reached only");
    say("through published ports on the host's own address. The fix is the routed gateway mode:");
    say("   daemon.json: {\"default-network-opts\": {\"bridge\": {\"com.docker.network.bridge.gateway_mode_ipv6\": \"routed\"}}}");
    say("   (for the default bridge; dockerd must restart), or, without a restart, a network in routed mode:");
    String subnet = "2001:db8:ab11:0:4000::/67"; // a piece of the /66 the plan leaves unused
    say("user@docker1:~$ docker network create --ipv6 --subnet " + subnet
        + " -o com.docker.network.bridge.gateway_mode_ipv6=routed routed6");
    docker1.docker().newNetwork("routed6").ipv6().subnet(subnet)
        .option("com.docker.network.bridge.gateway_mode_ipv6", "routed").create();
    say("user@docker1:~$ docker run -d --name web1r --network routed6 -p 80:80 sixkit/web ...   # port 80 published");
    Container r = docker1.docker().newContainer("web1r").image(WebImage.REFERENCE)
        .command(WebImage.command("Web Server #1 (routed)").toArray(String[]::new)).network("routed6").publish(80, 80)
        .stopTimeout(java.time.Duration.ofSeconds(1)).start();
    String ar = awaitIpv6(docker1, r.name());
    say("user@docker1:~$ sudo ip -6 neigh add proxy " + ar + " dev eth0");
    docker1.proxyNdp("eth0").proxy(ar);
    Verdict after = Firewall.read(docker1).verdict(lab.host("docker1").uplink(), ar);
    say("   " + after.describe() + (after.path().isEmpty() ? ""
        : " (" + after.path().get(after.path().size() - 1).text() + ")"));

    title("6. web2 tries web1r, on the routed network");
    say("user@docker2:~$ docker exec -it web2 ping6 -c 2 " + ar);
    ExecResult ping = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "3", ar);
    print(ping.stdout() + ping.stderr());
    say("user@docker2:~$ docker exec -it web2 wget -qO- http://[" + ar + "]/");
    ExecResult page = docker2.docker().exec("web2", "wget", "-qO-", "http://[" + ar + "]/");
    print(page.stdout() + page.stderr());
    boolean works = ping.ok() && page.ok() && page.stdout().contains("Web Server #1") && after.passes();
    if (!works) {
      say("!! expected ping6 and the page to answer on the routed network, they did not");
    }
    return works;
  }

  private static String awaitIpv6(Host host, String container) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      Container c = host.docker().container(container);
      if (c.running() && c.ipv6().isPresent()) {
        return c.ipv6().get().toCanonicalString();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new Main.CliException(container + " got no IPv6 address within 20 s");
  }

  private void title(String t) {
    say("");
    say("== " + t);
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private void print(String text) {
    for (String line : text.strip().split("\n")) {
      if (!line.isBlank()) {
        say(line);
      }
    }
  }

  /** Debian packages the lab needs: installed with apt when missing and allowed, else named. */
  static final class Prerequisites {
    private Prerequisites() {}

    static void ensure(PrintWriter out, boolean install) throws IOException, InterruptedException {
      List<String> missing = Lab.missingPackages();
      if (missing.isEmpty()) {
        return;
      }
      if (!install) {
        throw new Main.CliException("missing Debian packages: " + String.join(" ", missing)
            + " (apt-get install -y " + String.join(" ", missing) + ")");
      }
      out.println("== Installing " + String.join(" ", missing) + " with apt-get");
      out.flush();
      run(out, List.of("apt-get", "update", "-q"));
      List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
      cmd.addAll(missing);
      run(out, cmd);
    }

    private static void run(PrintWriter out, List<String> cmd) throws IOException, InterruptedException {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      p.getOutputStream().close();
      String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new Main.CliException(String.join(" ", cmd) + " failed: " + text.strip());
      }
    }
  }
}
