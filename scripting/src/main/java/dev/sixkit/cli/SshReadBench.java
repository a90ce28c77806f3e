package dev.sixkit.cli;

import dev.sixkit.host.Host;
import dev.sixkit.plan.Mode;
import dev.sixkit.host.SshHost;
import dev.sixkit.host.SshOptions;
import dev.sixkit.plan.Table;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.LabSsh;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit bench ssh-read}: what one remote read costs over SSH, three ways in alternating
 * rounds on a lab host's real OpenSSH server: one exec channel per command (the login shell
 * starts each time), the host's one long-lived shell, and OpenSSH's own {@code ssh} process per
 * command (what a script or Ansible's raw module pays); then the reads a plan makes (interfaces,
 * addresses, routes, neighbours, proxy entries, two sysctls) one command each against {@link
 * Host#snapshot} in one round trip. Not shared between threads.
 */
@Command(name = "ssh-read", mixinStandardHelpOptions = true,
    description = {"Cost of a remote read over SSH: an exec channel per command, the host's one shell, an",
        "OpenSSH ssh process per command; and a plan's reads one by one against one batched round trip.",
        "Uses --lab L (brought up with --ssh) or brings up a one-host SSH lab of its own."})
final class SshReadBench implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--lab", paramLabel = "NAME", description = "An SSH lab that is up (default: a new one-host lab).")
  String lab;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "docker1", description = "Its host (default docker1).")
  String host;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "20", description = "Rounds (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--json", description = "Print every median as JSON.")
  boolean json;

  private static final List<String> SYSCTLS = List.of("net.ipv6.conf.all.forwarding", "net.ipv6.conf.eth0.proxy_ndp");

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (rounds < 1) {
      throw new Main.CliException("--rounds must be at least 1");
    }
    Lab own = null;
    String labName = lab;
    if (labName == null) {
      labName = "sxrb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
      spec.commandLine().getErr().println("bringing up lab " + labName + " (1 host, --ssh)");
      own = Lab.builder().engine(Engine.V20_10).name(labName).hosts(1).mode(Mode.NDP_PROXY).ssh(true).up();
    }
    try {
      Lab l = own != null ? own : Lab.attach(labName); // not closed: closing a Lab takes it down
      LabHost h = l.host(host);
      SshOptions o = LabSsh.options(labName, h);
      Map<String, List<Double>> ms = new LinkedHashMap<>();
      try (SshHost exec = Host.ssh(LabSsh.target(h), o.execPerCommand());
           SshHost shell = Host.ssh(LabSsh.target(h), o)) {
        List<String> openssh = List.of("ssh", "-q", "-i", LabSsh.clientKey(labName).toString(), "-o", "BatchMode=yes",
            "-o", "UserKnownHostsFile=" + LabSsh.knownHosts(labName), "-o", "StrictHostKeyChecking=yes",
            "root@" + h.managementAddress(), "ip -json -details link show");
        shell.interfaces(); // the shell starts once, outside the rounds
        exec.interfaces();
        for (int r = 0; r < rounds; r++) {
          time(ms, "one read: exec channel per command", exec::interfaces);
          time(ms, "one read: the host's shell", shell::interfaces);
          time(ms, "one read: OpenSSH ssh process", () -> runProcess(openssh));
          time(ms, "plan reads: one command each, exec channels", () -> exec.snapshot(SYSCTLS));
          time(ms, "plan reads: one command each, the host's shell", () -> {
            shell.interfaces();
            shell.addresses();
            shell.routes();
            shell.neighbours().list();
            shell.proxyEntries();
            SYSCTLS.forEach(shell::sysctl);
            return null;
          });
          time(ms, "plan reads: snapshot, one round trip", () -> shell.snapshot(SYSCTLS));
        }
      }
      Table t = Table.of("WHAT", "MEDIAN ms", "MIN ms", "MAX ms");
      StringBuilder j = new StringBuilder("{");
      for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
        double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
        java.util.Arrays.sort(v);
        t.row(e.getKey(), fmt(StartupBench.median(v)), fmt(v[0]), fmt(v[v.length - 1]));
        j.append(j.length() > 1 ? ", " : "").append('"').append(e.getKey()).append("\": ")
            .append(fmt(StartupBench.median(v)));
      }
      if (json) {
        out.println(j.append('}'));
      } else {
        out.println("ssh-read on " + labName + "/" + host + ", " + rounds + " rounds (milliseconds)");
        out.print(t);
      }
      out.flush();
    } finally {
      if (own != null) {
        Lab.down(labName, LabProgress.silent());
      }
    }
    return 0;
  }

  private static String fmt(double v) {
    return String.format("%.1f", v);
  }

  private static void time(Map<String, List<Double>> ms, String what, Supplier<?> work) {
    long t0 = System.nanoTime();
    work.get();
    ms.computeIfAbsent(what, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
  }

  private static Object runProcess(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new Main.CliException("ssh failed: " + String.join(" ", cmd));
      }
      return null;
    } catch (java.io.IOException e) {
      throw new Main.CliException("ssh failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.CliException("interrupted");
    }
  }
}
