package dev.sixkit.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.netlink.testing.Ip;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of a lab's hosts as iproute2 sees it (ip -json, and sysctl inside the namespace): the
 * independent witness the DSL tests compare plans, applies and undos with.
 */
final class LabWitness {
  private LabWitness() {}

  /** The docker CLI against the host's daemon; fails the test, with its output, when it fails. */
  static void docker(LabHost h, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker", "-H", h.dockerEndpoint()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    org.junit.jupiter.api.Assertions.assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)
        && p.exitValue() == 0, cmd + ": " + out);
  }

  /** The container's global IPv6 address, as Docker reports it. */
  static String ipv6(LabHost h, String container) {
    try (dev.sixkit.docker.Docker d = dev.sixkit.docker.Docker.connect(h.dockerEndpoint())) {
      return d.container(container).ipv6().orElseThrow().toCanonicalString();
    }
  }

  /** Per host: addresses, IPv6 routes of the main table, proxy entries, the sysctls a setup touches (proxy_delay too). */
  static Map<String, String> snapshot(Lab lab) {
    Map<String, String> out = new TreeMap<>();
    for (LabHost h : lab.hosts()) {
      String ns = h.netns();
      List<String> addrs = new ArrayList<>();
      for (JsonNode link : Ip.json(ns, "addr", "show")) {
        for (JsonNode a : link.path("addr_info")) {
          addrs.add(link.path("ifname").asText() + " " + a.path("local").asText() + "/" + a.path("prefixlen").asText());
        }
      }
      out.put(h.name() + " addresses", String.join(", ", addrs));
      out.put(h.name() + " routes", routes(ns).toString());
      out.put(h.name() + " proxies", proxies(ns).toString());
      out.put(h.name() + " sysctl", sysctl(ns, "net.ipv6.conf.all.forwarding") + " "
          + sysctl(ns, "net.ipv6.conf." + h.uplink() + ".proxy_ndp") + " "
          + sysctl(ns, "net.ipv6.neigh." + h.uplink() + ".proxy_delay"));
    }
    return out;
  }

  static List<String> routes(String ns) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : Ip.json(ns, "-6", "route", "show", "table", "main")) {
      out.add(r.path("dst").asText() + (r.has("gateway") ? " via " + r.path("gateway").asText() : "") + " dev "
          + r.path("dev").asText() + " metric " + r.path("metric").asText());
    }
    return out;
  }

  static List<String> proxies(String ns) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : Ip.json(ns, "-6", "neigh", "show", "proxy")) {
      out.add(n.path("dst").asText() + " dev " + n.path("dev").asText());
    }
    out.sort(null);
    return out;
  }

  static String sysctl(String ns, String key) {
    Ip.Result r = Ip.exec(ns, "sysctl", "-n", key);
    if (r.exit() != 0) {
      throw new AssertionError("sysctl " + key + " in " + ns + ": " + r.err());
    }
    return r.out().strip();
  }

  /** A unique lab name for a test class: prefix plus random hex, at most 10 characters. */
  static String labName(String prefix) {
    String hex = Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    String n = prefix + hex;
    return n.length() > 10 ? n.substring(0, 10) : n;
  }
}
