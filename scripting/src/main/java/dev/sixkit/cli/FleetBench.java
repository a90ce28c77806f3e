package dev.sixkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.docker.Docker;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Table;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.LabSsh;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit bench fleet}: the same end state on every host of an SSH lab (forwarding on,
 * proxy_ndp on and proxy_delay 0 on the uplink, one proxy entry per running container, the stale one removed) reached
 * by {@code ./sixkit run} of a setup over SSH and by an Ansible playbook (ansible-core, written as
 * an Ansible user would: an inventory of the lab's hosts, forks = the host count, facts gathered,
 * container addresses from docker inspect, idempotent tasks), in alternating rounds. Each run is a
 * fresh process, timed whole; the state is reset before each first apply and checked with ip
 * -json after each run. The no-op re-plan is timed twice: cold (the check row: a whole {@code
 * ./sixkit run --plan} process) and warm ({@code plan()} again in one process whose connections are
 * open, as an operator re-plans in the console; goal under 1 s at 12 hosts). Not shared between
 * threads.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = {"A setup run over SSH against an Ansible playbook on an SSH lab, side by side.",
        "./sixkit run of a setup against the playbook, alternating rounds: first apply, no-op re-apply, check mode"
            + " (--plan against --check); every end state checked with ip -json.",
        "Goals at 12 hosts: Sixkit 10 times faster on each; a no-op re-plan under 1 s (warm: plan() again in one"
            + " process with the connections open; the cold whole process is the check row)."})
final class FleetBench implements Callable<Integer> {
  static final double RATIO_GOAL = 10;
  static final double REPLAN_GOAL = 1.0;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  CommandSpec spec;

  @Option(names = "--hosts", paramLabel = "N", defaultValue = "4", description = "Lab hosts (default ${DEFAULT-VALUE}).")
  int hosts;

  @Option(names = "--lab", paramLabel = "NAME", description = "Use this SSH lab (up, NDP mode) instead of a new one.")
  String lab;

  @Option(names = "--engine", paramLabel = "VERSION", defaultValue = "20.10", description = "The Docker engine of the lab"
      + " it brings up (default ${DEFAULT-VALUE}: on 28 the default bridge's filter drops proxied traffic, and the"
      + " plan refuses).")
  String engine;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "Rounds (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--launcher", paramLabel = "PATH", description = "The sixkit launcher to run (default: this build's).")
  Path launcher;

  @Option(names = "--java-classpath", paramLabel = "CP",
      description = "Run `java -cp CP dev.sixkit.cli.Main` instead of the launcher (tests; no class-data archive).")
  String javaClasspath;

  @Option(names = "--json", description = "Print every sample as JSON.")
  boolean json;

  @Option(names = "--strict", description = "Exit 1 when a goal is missed.")
  boolean strict;

  private static final String[] KINDS = {"apply", "re-apply", "check"};
  /** ./sixkit run as shipped (through the run daemon) and in a process of its own. */
  private static final String NO_DAEMON = "sixkit --no-daemon";
  private static final String[] TOOLS = {"sixkit", NO_DAEMON, "ansible"};

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (rounds < 1 || hosts < 1) {
      throw new Main.CliException("--rounds and --hosts must be at least 1");
    }
    if (!StartupBench.onPath("ansible-playbook")) {
      throw new Main.CliException("ansible-playbook is not installed (apt-get install ansible-core)");
    }
    List<String> sixkit;
    if (javaClasspath != null) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      cmd.addAll(SyncJvm.nativeAccess());
      // RunClient, as the launcher starts a run: through the run daemon unless told otherwise.
      cmd.addAll(List.of("-cp", javaClasspath, RunClient.class.getName()));
      sixkit = cmd;
    } else {
      Path l = launcher != null ? launcher : StartupBench.defaultLauncher();
      if (l == null || !Files.isExecutable(l)) {
        throw new Main.CliException("no sixkit launcher found; give --launcher PATH or --java-classpath CP");
      }
      sixkit = List.of(l.toAbsolutePath().toString());
    }
    String labName = lab;
    boolean own = labName == null;
    if (own) {
      labName = "sxfb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
      err.println("bringing up lab " + labName + " (" + hosts + " hosts, --ssh)");
      err.flush();
      Lab.builder().engine(Engine.of(engine)).name(labName).hosts(hosts).mode(Mode.NDP_PROXY).ssh(true).up();
    }
    Path dir = Files.createTempDirectory("sixkit-fleet-bench");
    try {
      Lab l = Lab.attach(labName); // not closed: closing a Lab takes it down
      if (!l.ssh()) {
        throw new Main.CliException("lab " + labName + " runs no sshd: bring it up with --ssh");
      }
      Map<String, String> webs = new LinkedHashMap<>();
      for (LabHost h : l.hosts()) {
        try (Docker d = Docker.connect(h.dockerEndpoint())) {
          webs.put(h.name(), d.container(h.webContainer()).ipv6().orElseThrow().toCanonicalString());
        }
      }
      Files.writeString(dir.resolve("fleet.groovy"), script(dir, "apply()\n"));
      Files.writeString(dir.resolve("replan.groovy"), script(dir, REPLAN));
      writeAnsible(dir, labName, l);
      Map<String, List<Double>> t = new LinkedHashMap<>();
      try {
        for (int r = 0; r < rounds; r++) {
          // Each round starts with the next tool, so none always goes first.
          for (int k = 0; k < TOOLS.length; k++) {
            String tool = TOOLS[(r + k) % TOOLS.length];
            reset(l, webs);
            for (String kind : KINDS) {
              List<String> cmd = tool.equals("ansible") ? ansibleCommand(dir, kind)
                  : sixkitCommand(sixkit, dir, labName, kind, tool.equals(NO_DAEMON));
              double s = time(cmd, dir, kind.equals("check") ? -1 : 0);
              t.computeIfAbsent(tool + " " + kind, x -> new ArrayList<>()).add(s);
              check(l, webs, tool + " " + kind);
              err.printf("round %d: %s %s %.2f s%n", r + 1, tool, kind, s);
              err.flush();
            }
            if (tool.equals(NO_DAEMON)) {
              double warm = replan(sixkit, dir, labName);
              t.computeIfAbsent("sixkit warm re-plan", x -> new ArrayList<>()).add(warm);
              check(l, webs, "sixkit warm re-plan");
              err.printf("round %d: sixkit warm re-plan %.3f s (one process, connections open)%n", r + 1, warm);
              err.flush();
            }
          }
        }
      } finally {
        // The bench's own run daemon (its folder is the bench's): stopped, its connections closed.
        List<String> stop = new ArrayList<>(sixkit);
        stop.addAll(List.of("daemon", "stop"));
        try {
          run(stop, dir);
        } catch (RuntimeException e) {
          err.println("fleet bench: stopping its run daemon: " + e.getMessage()); // the bench's own error comes first
          err.flush();
        }
      }
      return report(out, labName, l.hosts().size(), t);
    } finally {
      if (own) {
        Lab.down(labName, LabProgress.silent());
      }
      deleteTree(dir);
    }
  }

  private int report(PrintWriter out, String labName, int n, Map<String, List<Double>> t) {
    Table table = Table.of("STEP", "SIXKIT s", "ANSIBLE s", "ANSIBLE/SIXKIT", "GOAL", "", "SIXKIT --no-daemon s",
        "ANSIBLE/NO-DAEMON");
    boolean missed = false;
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("hosts", n);
    doc.put("samples", t);
    for (String kind : KINDS) {
      double six = median(t.get("sixkit " + kind));
      double cold = median(t.get(NO_DAEMON + " " + kind));
      double ans = median(t.get("ansible " + kind));
      double ratio = ans / six;
      boolean pass = ratio >= RATIO_GOAL;
      missed |= !pass && n >= 12;
      table.row(kind.equals("check") ? "check (--plan / --check)" : kind, fmt(six), fmt(ans), String.format("%.1f", ratio),
          ">= " + (int) RATIO_GOAL + (n >= 12 ? "" : " (at 12 hosts)"), pass ? "PASS" : "MISS", fmt(cold),
          String.format("%.1f", ans / cold));
    }
    double replan = median(t.get("sixkit warm re-plan"));
    double cold = median(t.get("sixkit check"));
    boolean replanOk = replan < REPLAN_GOAL;
    missed |= !replanOk && n >= 12;
    if (json) {
      out.println(Json.write(doc, true));
    } else {
      out.println("fleet bench on " + labName + ": " + n + " hosts over SSH, medians of " + t.get("sixkit apply").size()
          + " rounds (whole processes: ./sixkit run against ansible-playbook)");
      out.println(table);
      out.printf("first runs on this lab (round 1's apply: Sixkit starting its run daemon, Ansible opening its"
          + " ControlPersist masters): sixkit %.2f s, sixkit --no-daemon %.2f s, ansible %.2f s%n",
          t.get("sixkit apply").get(0), t.get(NO_DAEMON + " apply").get(0), t.get("ansible apply").get(0));
      out.printf("no-op re-plan of %d hosts, warm (plan() again in one process with the connections open, as in the"
          + " console; median of %d per round): %.3f s (goal < %.1f s%s) %s%n", n, REPLANS, replan, REPLAN_GOAL,
          n >= 12 ? "" : " at 12 hosts", replanOk ? "PASS" : "MISS");
      out.printf("no-op re-plan of %d hosts as a command (./sixkit run --plan: the check row): %.2f s (goal:"
          + " >= %d times faster than ansible-playbook --check) %s%n", n, cold, (int) RATIO_GOAL,
          median(t.get("ansible check")) / cold >= RATIO_GOAL ? "PASS" : "MISS");
    }
    out.flush();
    return strict && missed ? Main.FAILURE : Main.OK;
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return StartupBench.median(a);
  }

  private static String fmt(double v) {
    return String.format("%.2f", v);
  }

  /** How many plans the warm re-plan times after the first (which opens the connections). */
  static final int REPLANS = 5;
  /** The warm re-plan: plan() once to connect, then time plan() again (a no-op: the state is applied). */
  private static final String REPLAN = """
      plan()
      def ms = []
      %d.times { long t0 = System.nanoTime(); plan(); ms << (System.nanoTime() - t0) / 1e6 }
      println "sixkit-replan-ms: " + ms.join(' ')
      """.formatted(REPLANS);

  /**
   * The warm re-plan: one process plans the setup once (connecting to every host), then plans it
   * {@value #REPLANS} times more; returns the median of those, in seconds.
   */
  private double replan(List<String> sixkit, Path dir, String labName) throws IOException, InterruptedException {
    List<String> c = new ArrayList<>(sixkit);
    c.addAll(List.of("run", dir.resolve("replan.groovy").toString(), labName, "--forks", Integer.toString(hosts),
        "--plan", "--no-daemon"));
    String out = run(c, dir);
    for (String line : out.split("\n")) {
      if (line.startsWith("sixkit-replan-ms: ")) {
        double[] ms = Arrays.stream(line.substring("sixkit-replan-ms: ".length()).trim().split(" "))
            .mapToDouble(Double::parseDouble).sorted().toArray();
        return StartupBench.median(ms) / 1000;
      }
    }
    throw new Main.CliException("the warm re-plan printed no timings:\n" + out);
  }

  /** The setup, as a user writes it for this lab (fleet.groovy's hosts), then {@code work}. */
  private static String script(Path dir, String work) {
    return """
        def labName = args[0]
        def keys = "/run/sixkit/lab/${labName}/_ssh"
        setup("${labName}-bench") {
          underlay '2001:db8:ab11::/64'
          mode ndpProxy
          stateDir '%s'
          lab(labName).hosts().each { h ->
            host(h.name()) {
              ssh("root@[${h.managementAddress()}]") {
                identity "${keys}/id_ed25519"
                knownHosts "${keys}/known_hosts"
                dockerSocket "/run/sixkit/lab/${labName}/${h.name()}/docker.sock"
              }
              uplink 'eth0'
              address h.underlayAddress()
            }
          }
        }
        """.formatted(dir.resolve("state")) + work;
  }

  private List<String> sixkitCommand(List<String> sixkit, Path dir, String labName, String kind, boolean noDaemon) {
    List<String> c = new ArrayList<>(sixkit);
    c.addAll(List.of("run", dir.resolve("fleet.groovy").toString(), labName, "--forks", Integer.toString(hosts)));
    if (noDaemon) {
      c.add("--no-daemon");
    }
    if (kind.equals("check")) {
      c.add("--plan");
    }
    return c;
  }

  private static List<String> ansibleCommand(Path dir, String kind) {
    List<String> c = new ArrayList<>(List.of("ansible-playbook", "-i", dir.resolve("inventory.ini").toString(),
        dir.resolve("playbook.yml").toString()));
    if (kind.equals("check")) {
      c.add("--check");
    }
    return c;
  }

  /** The inventory, ansible.cfg and playbook an Ansible user would write for this job. */
  private void writeAnsible(Path dir, String labName, Lab l) throws IOException {
    Path ssh = LabSsh.dir(labName);
    StringBuilder inv = new StringBuilder("[lab]\n");
    for (LabHost h : l.hosts()) {
      inv.append(h.name()).append(" ansible_host=").append(h.managementAddress()).append(" docker_sock=")
          .append(h.dockerEndpoint().replaceFirst("^unix://", "")).append('\n');
    }
    inv.append("\n[lab:vars]\nansible_user=root\nansible_python_interpreter=/usr/bin/python3\n")
        .append("ansible_ssh_private_key_file=").append(ssh.resolve("id_ed25519")).append('\n')
        .append("ansible_ssh_common_args='-o UserKnownHostsFile=").append(ssh.resolve("known_hosts"))
        .append(" -o StrictHostKeyChecking=yes'\nuplink=eth0\n");
    Files.writeString(dir.resolve("inventory.ini"), inv);
    Files.writeString(dir.resolve("ansible.cfg"), """
        [defaults]
        forks = %d
        host_key_checking = True
        retry_files_enabled = False
        gathering = implicit
        [ssh_connection]
        pipelining = True
        control_path_dir = %s
        """.formatted(hosts, dir.resolve("cp")));
    Files.writeString(dir.resolve("playbook.yml"), """
        - name: IPv6 NDP proxy for the containers of every Docker host
          hosts: lab
          gather_facts: true
          gather_subset: [network]
          tasks:
            - name: Read forwarding, proxy_ndp and proxy_delay
              ansible.builtin.command: >-
                cat /proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/ipv6/conf/{{ uplink }}/proxy_ndp
                /proc/sys/net/ipv6/neigh/{{ uplink }}/proxy_delay
              register: sysctls
              changed_when: false
              check_mode: false

            - name: IPv6 forwarding on
              ansible.builtin.shell: echo 1 > /proc/sys/net/ipv6/conf/all/forwarding
              when: sysctls.stdout_lines[0] != '1'

            - name: proxy_ndp on the uplink
              ansible.builtin.shell: echo 1 > /proc/sys/net/ipv6/conf/{{ uplink }}/proxy_ndp
              when: sysctls.stdout_lines[1] != '1'

            - name: proxied solicitations answered at once (proxy_delay 0)
              ansible.builtin.shell: echo 0 > /proc/sys/net/ipv6/neigh/{{ uplink }}/proxy_delay
              when: sysctls.stdout_lines[2] != '0'

            - name: Addresses of the running containers (docker inspect)
              ansible.builtin.shell: >-
                ids=$(docker -H unix://{{ docker_sock }} ps -q);
                [ -z "$ids" ] || docker -H unix://{{ docker_sock }} inspect
                --format '{{ '{{' }}range .NetworkSettings.Networks{{ '}}' }}{{ '{{' }}.GlobalIPv6Address{{ '}}' }} {{ '{{' }}end{{ '}}' }}' $ids
              register: inspect
              changed_when: false
              check_mode: false

            - name: Proxy entries on the uplink
              ansible.builtin.command: ip -json -6 neigh show proxy dev {{ uplink }}
              register: proxies
              changed_when: false
              check_mode: false

            - name: What should be there
              ansible.builtin.set_fact:
                want: "{{ inspect.stdout.split() | unique | list }}"
                have: "{{ proxies.stdout | from_json | map(attribute='dst') | list }}"

            - name: A proxy entry for each container
              ansible.builtin.command: ip -6 neigh add proxy {{ item }} dev {{ uplink }}
              loop: "{{ want | difference(have) }}"

            - name: No entry for containers that are gone
              ansible.builtin.command: ip -6 neigh del proxy {{ item }} dev {{ uplink }}
              loop: "{{ have | difference(want) }}"
        """);
  }

  /**
   * The state before a first apply: forwarding and proxy_ndp off, proxy_delay at the kernel's 80
   * (0.8 s), no entries but a stale one left by an earlier Sixkit apply (marked with Sixkit's
   * protocol: Sixkit never removes an operator's unmarked entry; the playbook removes whatever is
   * not wanted).
   */
  private static void reset(Lab l, Map<String, String> webs) throws IOException, InterruptedException {
    for (LabHost h : l.hosts()) {
      exec(List.of("ip", "netns", "exec", h.netns(), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=0",
          "net.ipv6.conf.eth0.proxy_ndp=0", "net.ipv6.neigh.eth0.proxy_delay=80"));
      exec(List.of("ip", "-n", h.netns(), "-6", "neigh", "flush", "proxy", "dev", "eth0"));
      exec(List.of("ip", "-n", h.netns(), "-6", "neigh", "add", "proxy", stale(webs.get(h.name())),
          "protocol", Integer.toString(dev.sixkit.netlink.Protocols.SIXKIT), "dev", "eth0"));
    }
  }

  /** An address beside the container's, in the same Docker prefix, that no container holds. */
  static String stale(String web) {
    try {
      byte[] b = InetAddress.getByName(web).getAddress();
      b[15] = (byte) (b[15] + 0x60);
      return dev.sixkit.netlink.IpAddresses.format(InetAddress.getByAddress(b));
    } catch (IOException e) {
      throw new IllegalArgumentException(web, e);
    }
  }

  /** The end state every tool must reach, read with ip -json. */
  private static void check(Lab l, Map<String, String> webs, String after) throws IOException, InterruptedException {
    for (LabHost h : l.hosts()) {
      TreeSet<String> have = new TreeSet<>();
      for (JsonNode n : JSON.readTree(exec(List.of("ip", "-n", h.netns(), "-json", "-6", "neigh", "show", "proxy",
          "dev", "eth0")))) {
        have.add(n.path("dst").asText());
      }
      String sysctls = exec(List.of("ip", "netns", "exec", h.netns(), "sysctl", "-n", "net.ipv6.conf.all.forwarding",
          "net.ipv6.conf.eth0.proxy_ndp", "net.ipv6.neigh.eth0.proxy_delay")).strip().replace('\n', ' ');
      String want = "[" + webs.get(h.name()) + "] 1 1 0";
      String got = have + " " + sysctls;
      if (!got.equals(want)) {
        throw new Main.CliException("after " + after + ", " + h.name() + " holds " + got + " (proxy entries, forwarding,"
            + " proxy_ndp, proxy_delay), not " + want);
      }
    }
  }

  private static String exec(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new Main.CliException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Runs a process to its end; its output, or a failure that stops the bench. */
  private static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
    environment(pb, dir);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new Main.CliException(String.join(" ", cmd) + " failed:\n" + out);
    }
    return out;
  }

  /**
   * Every tool's environment: Ansible's configuration (its ControlPersist masters under the bench's
   * folder, as its default ssh_args keep them 60 s) and Sixkit's run daemon folder (the bench's own
   * daemon, started by the first run, stopped at the end).
   */
  private static void environment(ProcessBuilder pb, Path dir) {
    pb.environment().put("ANSIBLE_CONFIG", dir.resolve("ansible.cfg").toString());
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    pb.environment().put("SIXKIT_DAEMON_DIR", dir.resolve("daemon").toString());
    pb.environment().remove("SIXKIT_DAEMON");
  }

  /** Runs a whole process and times it; a failure (other than check mode's) stops the bench. */
  private static double time(List<String> cmd, Path dir, int okExit) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
    environment(pb, dir);
    long t0 = System.nanoTime();
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(600, TimeUnit.SECONDS);
    double s = (System.nanoTime() - t0) / 1e9;
    if (!done || (okExit >= 0 && p.exitValue() != okExit) || (okExit < 0 && p.exitValue() != 0)) {
      throw new Main.CliException(String.join(" ", cmd) + " failed (exit " + (done ? p.exitValue() : "timeout")
          + "):\n" + out);
    }
    return s;
  }

  private static void deleteTree(Path p) {
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }
}
