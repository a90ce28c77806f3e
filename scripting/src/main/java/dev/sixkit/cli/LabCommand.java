package dev.sixkit.cli;

import dev.sixkit.plan.Mode;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabSsh;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sixkit lab up|down|status}: real Docker hosts in network namespaces on this machine. */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = "Docker hosts in network namespaces on this machine (needs root).",
    subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class, LabCommand.ListLabs.class,
        LabCommand.Engines.class})
final class LabCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "lab needs up, down, status, list or engines");
  }

  /** The lab name option shared by the subcommands. */
  static final class NameOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    String name = Lab.DEFAULT_NAME;

    /** A name the lab refuses is a usage error (exit 2), found before anything runs. */
    @Option(names = "--name", defaultValue = Lab.DEFAULT_NAME, paramLabel = "NAME",
        description = "Lab name: every namespace, link and daemon folder it makes starts with it (default ${DEFAULT-VALUE}).")
    void name(String value) {
      try {
        Lab.builder().name(value);
      } catch (dev.sixkit.SixkitException e) {
        throw new picocli.CommandLine.ParameterException(mixee.commandLine(), "invalid --name '" + value
            + "': a lab name is 1 to 10 lower-case letters and digits, starting with a letter");
      }
      this.name = value;
    }
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Bring a lab up: namespaces, underlay, management links, one dockerd and one web container per host.")
  static final class Up implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NameOption name;

    @Option(names = "--hosts", defaultValue = "2", description = "Number of Docker hosts (default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--mode", defaultValue = "ndp",
        description = "How Docker prefixes are laid out: ndp (split the shared /64 into /66s) or routed (a /64 per host).")
    String mode;

    @Option(names = "--ssh",
        description = "Also run an OpenSSH server in each host (on its management address), with a generated client key"
            + " and known_hosts, for Host.ssh and lab.connectSsh.")
    boolean ssh;

    @Mixin
    EngineOption engine;

    @Option(names = "--replace", description = "Take down a lab of the same name first (without it, up refuses).")
    boolean replace;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Lab lab = Lab.builder().name(name.name).hosts(hosts).mode(parseMode(mode)).ssh(ssh).engine(engine.engine())
          .replace(replace).progress(m -> out.println("  " + m)).up();
      out.println();
      for (LabHost h : lab.hosts()) {
        out.println(h.name() + ": ip netns exec " + h.netns() + " ...   DOCKER_HOST=" + h.dockerEndpoint());
        if (ssh) {
          out.println("  ssh -i " + LabSsh.clientKey(lab.name()) + " -o UserKnownHostsFile=" + LabSsh.knownHosts(lab.name())
              + " root@" + h.managementAddress() + "   (Host.ssh(\"" + LabSsh.target(h) + "\", ...) or lab.connectSsh(\""
              + h.name() + "\"))");
        }
      }
      out.println("take it down with: ./sixkit lab down --name " + lab.name());
      return Main.OK;
    }
  }

  /** The --engine option shared by lab up, demo and bench ndp-sync. */
  static final class EngineOption {
    @Option(names = "--engine", paramLabel = "VERSION",
        description = "Docker engine of the lab's hosts: 20.10 (the system's docker.io) or 28 (Debian unstable's,"
            + " fetched on first use into /var/lib/sixkit/engines); default: the newest.")
    String name;

    Engine engine() {
      return name == null ? Engine.newest() : Engine.of(name);
    }
  }

  @Command(name = "engines", mixinStandardHelpOptions = true,
      description = "List the Docker engines the lab supports; --fetch VERSION fetches one now (else on first use).")
  static final class Engines implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--fetch", paramLabel = "VERSION", description = "Fetch (or check) this engine now.")
    String fetch;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (fetch != null) {
        long t0 = System.nanoTime();
        Engine.Install i = Engine.of(fetch).install(m -> out.println("  " + m));
        out.println("engine " + i.engine().name() + ": dockerd " + i.version() + " at " + i.dockerd() + " ("
            + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        return Main.OK;
      }
      for (Engine e : Engine.known()) {
        out.println(e.name() + (e.equals(Engine.newest()) ? " (default)" : "") + ": " + e.summary());
      }
      return Main.OK;
    }
  }

  static Mode parseMode(String mode) {
    return switch (mode.toLowerCase(java.util.Locale.ROOT)) {
      case "ndp", "ndp-proxy", "ndp_proxy", "proxy" -> Mode.NDP_PROXY;
      case "routed", "route", "routes" -> Mode.ROUTED;
      default -> throw new Main.CliException("unknown mode '" + mode + "': use ndp or routed");
    };
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Remove everything of a lab (daemons, containers, mounts, namespaces, links, folders), even after a crash.")
  static final class Down implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NameOption name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (!Lab.exists(name.name)) {
        out.println("lab " + name.name + ": nothing to remove");
        return Main.OK;
      }
      List<String> removed = Lab.down(name.name, m -> out.println("  " + m));
      out.println("lab " + name.name + " removed (" + removed.size() + " objects)");
      return Main.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a lab's hosts, daemons and containers.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the lab is up", "1:no such lab, or it is half removed", "2:usage error"})
  static final class Status implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NameOption name;

    @Option(names = {"-j", "--json"}, description = "Print one JSON object: the lab, its hosts, engines and containers.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      boolean up = Lab.exists(name.name);
      if (json) {
        Map<String, Object> m = statusJson(name.name);
        out.println(Json.write(m, false));
        out.flush();
        return Boolean.TRUE.equals(m.get("up")) && !m.containsKey("error") ? Main.OK : Main.FAILURE;
      }
      List<String> lines = Lab.status(name.name);
      if (!up) {
        PrintWriter err = spec.commandLine().getErr();
        lines.forEach(err::println);
        err.flush();
        return Main.FAILURE;
      }
      lines.forEach(out::println);
      return lines.size() == 1 && lines.get(0).contains("half removed") ? Main.FAILURE : Main.OK;
    }
  }

  /** The lab as data: what status prints, one field each, read from the namespaces and the engines. */
  static Map<String, Object> statusJson(String lab) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lab", lab);
    boolean up = Lab.exists(lab);
    m.put("up", up);
    if (!up) {
      return m;
    }
    Lab l;
    try {
      l = Lab.attach(lab);
    } catch (dev.sixkit.SixkitException e) {
      m.put("error", "half removed: " + e.getMessage());
      return m;
    }
    m.put("mode", l.mode().name().toLowerCase(java.util.Locale.ROOT));
    m.put("underlay", dev.sixkit.plan.Prefixes.text(l.plan().underlay()));
    m.put("ssh", l.ssh());
    m.put("engine", l.engine().name());
    List<Map<String, Object>> hosts = new ArrayList<>();
    for (LabHost h : l.hosts()) {
      Map<String, Object> hm = new LinkedHashMap<>();
      hm.put("name", h.name());
      hm.put("netns", h.netns());
      boolean ns = dev.sixkit.netlink.Netns.exists(h.netns());
      hm.put("namespace", ns);
      hm.put("uplink", h.uplink());
      hm.put("underlayAddress", h.underlayAddress());
      hm.put("managementAddress", h.managementAddress());
      hm.put("dockerPrefix", h.dockerPrefix());
      Map<String, Object> engine = new LinkedHashMap<>();
      engine.put("endpoint", h.dockerEndpoint());
      List<Map<String, Object>> containers = new ArrayList<>();
      if (ns) {
        try (dev.sixkit.docker.Docker d = dev.sixkit.docker.Docker.connect(h.dockerEndpoint())) {
          dev.sixkit.docker.DaemonFacts f = d.daemon();
          engine.put("answering", true);
          engine.put("version", f.version());
          engine.put("apiVersion", f.negotiatedApiVersion());
          engine.put("ipv6", f.ipv6Enabled());
          engine.put("fixedCidrV6", f.fixedCidrV6Prefix().map(p -> p.toCanonicalString()).orElse(null));
          for (dev.sixkit.docker.Container c : d.containers()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("name", c.name());
            cm.put("state", c.state());
            cm.put("ipv6", c.ipv6().map(a -> a.toCanonicalString()).orElse(null));
            containers.add(cm);
          }
        } catch (RuntimeException e) {
          engine.put("answering", false);
          engine.put("error", Main.describe(e));
        }
      } else {
        engine.put("answering", false);
      }
      hm.put("engine", engine);
      hm.put("containers", containers);
      hm.put("webContainer", h.webContainer());
      hosts.add(hm);
    }
    m.put("hosts", hosts);
    return m;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the labs on this machine.")
  static final class ListLabs implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-j", "--json"}, description = "Print a JSON array of the labs' status objects (as lab status --json).")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<String> labs = Lab.list();
      if (json) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String lab : labs) {
          all.add(statusJson(lab));
        }
        out.println(Json.write(all, false));
      } else if (labs.isEmpty()) {
        out.println("no labs (./sixkit lab up --name NAME makes one)");
      } else {
        for (String lab : labs) {
          List<String> st = Lab.status(lab);
          out.println(st.isEmpty() ? lab : st.get(0));
        }
      }
      out.flush();
      return Main.OK;
    }
  }
}
