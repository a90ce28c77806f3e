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
    subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class, LabCommand.Engines.class})
final class LabCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "lab needs up, down, status or engines");
  }

  /** The lab name option shared by the subcommands. */
  static final class NameOption {
    @Option(names = "--name", defaultValue = Lab.DEFAULT_NAME,
        description = "Lab name: every namespace, link and daemon folder it makes starts with it (default ${DEFAULT-VALUE}).")
    String name;
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
        description = "How Docker prefixes are laid out: ndp (split the shared /64, the seed's /66s) or routed (a /64 per host).")
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

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a lab's hosts, daemons and containers.")
  static final class Status implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NameOption name;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<String> lines = Lab.status(name.name);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lab", name.name);
        m.put("up", Lab.exists(name.name));
        try {
          m.put("engine", Lab.attach(name.name).engine().name());
        } catch (RuntimeException e) {
          m.put("engine", null); // not up, or half removed: the lines say which
        }
        m.put("lines", new ArrayList<>(lines));
        out.println(Json.write(m, false));
      } else {
        lines.forEach(out::println);
      }
      return Main.OK;
    }
  }
}
