package dev.sixkit.cli;

import dev.sixkit.doctor.Diagnosis;
import dev.sixkit.doctor.Doctor;
import dev.sixkit.doctor.Exposure;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Socket;
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

/**
 * {@code sixkit doctor}: why an address is (not) reachable from a host, with the fix; listening
 * sockets and IPv6 exposure. Exit 0 with a verdict either way (3 with --strict when not
 * reachable). Not shared between threads.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:a verdict was printed (reachable or not)", "1:failure (the reason is printed on stderr)",
        "2:usage error", "3:with --strict: the destination is not reachable"},
    description = {"Explain why an address is reachable or not, and how to fix it.",
        "Follows the route lookup, the neighbour entry, proxy_ndp and forwarding, the owner's proxy entry and the"
            + " container holding the address; ends with a verdict and the fix.",
        "With --exposure: listening sockets (like ss -ltnp) and how containers are exposed over IPv6."})
final class DoctorCommand implements Callable<Integer> {
  static final int NOT_REACHABLE = 3;

  @Spec
  CommandSpec spec;

  @Mixin
  NdpCommand.Target target = new NdpCommand.Target();

  @Mixin
  NdpCommand.Remote remote = new NdpCommand.Remote();

  @Option(names = "--to", paramLabel = "ADDR", description = "The destination to explain.")
  String to;

  @Option(names = "--from", paramLabel = "CONTAINER", description = "A container of this host whose traffic it is (checks the way back too).")
  String from;

  @Option(names = "--peer", paramLabel = "NETNS[=ENDPOINT]",
      description = "Another Docker host to look at (repeatable; a lab's other hosts are added by --lab).")
  List<String> peers = new ArrayList<>();

  @Option(names = "--exposure", description = "Also list listening sockets and how containers are exposed over IPv6.")
  boolean exposure;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--strict", description = "Exit 3 (instead of 0) when the destination is not reachable.")
  boolean strict;

  @Override
  public Integer call() {
    if (to == null && !exposure) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --to ADDR and/or --exposure");
    }
    PrintWriter out = spec.commandLine().getOut();
    List<Host> others = new ArrayList<>();
    target.remote = remote;
    try (Host host = target.connect()) {
      others.addAll(target.peers());
      for (String p : peers) {
        int eq = p.indexOf('=');
        String ns = eq < 0 ? p : p.substring(0, eq);
        others.add(eq < 0 ? Host.netns(ns) : Host.netns(ns, p.substring(eq + 1), ns));
      }
      Doctor doctor = host.doctor().peers(others);
      Map<String, Object> result = new LinkedHashMap<>();
      Diagnosis d = null;
      if (to != null) {
        d = doctor.reach(to, from);
        if (json) {
          result.put("reach", d);
        } else {
          out.print(d.render());
        }
      }
      if (exposure) {
        Exposure e = doctor.exposure();
        if (json) {
          result.put("exposure", exposureJson(e));
        } else {
          out.print(e.render());
        }
      }
      if (json) {
        out.println(Json.write(result, true));
      }
      out.flush();
      return strict && d != null && !d.reachable() ? NOT_REACHABLE : Main.OK;
    } finally {
      for (Host h : others) {
        h.close();
      }
    }
  }

  static Map<String, Object> socketJson(Socket s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.state());
    m.put("local", s.local());
    m.put("localAddress", IpAddresses.format(s.localAddress()));
    m.put("localPort", s.localPort());
    m.put("family", s.family());
    m.put("recvQ", s.receiveQueue());
    m.put("sendQ", s.sendQueue());
    m.put("inode", s.inode());
    List<Map<String, Object>> users = new ArrayList<>();
    for (Socket.Owner o : s.processes()) {
      users.add(Map.of("command", o.command(), "pid", o.pid(), "fd", o.fd()));
    }
    m.put("users", users);
    return m;
  }

  static Map<String, Object> exposureJson(Exposure e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", e.host());
    m.put("userlandProxy", Map.of("value", e.userlandProxy().value(), "source", e.userlandProxy().source().name()));
    m.put("ip6tables", Map.of("value", e.ip6tables().value(), "source", e.ip6tables().source().name()));
    m.put("listeners", e.listeners().stream().map(DoctorCommand::socketJson).toList());
    List<Map<String, Object>> cs = new ArrayList<>();
    for (Exposure.ContainerExposure c : e.containers()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("container", c.container());
      cm.put("ipv6", c.ipv6());
      cm.put("fullyExposed", c.fullyExposed());
      cm.put("note", c.note());
      List<Map<String, Object>> ports = new ArrayList<>();
      for (Exposure.PortExposure p : c.ports()) {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("binding", p.port().toString());
        pm.put("hostPort", p.port().hostPort());
        pm.put("answersOverIpv6", p.answersOverIpv6());
        pm.put("servedBy", p.servedBy());
        pm.put("explanation", p.explanation());
        ports.add(pm);
      }
      cm.put("ports", ports);
      cs.add(cm);
    }
    m.put("containers", cs);
    return m;
  }
}
