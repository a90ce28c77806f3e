package dev.sixkit.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sixkit.netlink.testing.Ip;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ip -json prints about a lab host's network state, taken after a recipe step: links,
 * addresses, routes, proxy entries and the sysctls the recipes touch. Two runs of the same steps
 * (through the namespace and over SSH) must leave identical snapshots.
 */
final class KernelSnapshot {
  private KernelSnapshot() {}

  static Map<String, String> of(Lab lab) {
    Map<String, String> out = new LinkedHashMap<>();
    for (LabHost h : lab.hosts()) {
      String ns = h.netns();
      out.put(h.name() + " links", withoutTimers(Ip.json(ns, "-d", "link", "show")).toString());
      out.put(h.name() + " addresses", withoutDynamicLifetimes(Ip.json(ns, "addr", "show")).toString());
      out.put(h.name() + " routes", Ip.json(ns, "-d", "-6", "route", "show", "table", "all").toString());
      out.put(h.name() + " routes4", Ip.json(ns, "-d", "-4", "route", "show", "table", "all").toString());
      out.put(h.name() + " proxies", Ip.json(ns, "neigh", "show", "proxy").toString());
      for (String key : new String[] {"net.ipv6.conf.eth0.proxy_ndp", "net.ipv6.conf.all.forwarding",
          "net.ipv6.conf.eth0.forwarding", "net.ipv6.conf.eth0.accept_ra"}) {
        out.put(h.name() + " " + key, Ip.exec(ns, "sysctl", "-n", key).out().trim());
      }
    }
    return out;
  }

  /** Bridge timers (gc_timer, forward_delay_timer...) count down between two reads. */
  private static JsonNode withoutTimers(JsonNode node) {
    JsonNode copy = node.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      List<String> timers = new ArrayList<>();
      o.fieldNames().forEachRemaining(f -> {
        if (f.endsWith("_timer")) {
          timers.add(f);
        }
      });
      o.remove(timers);
    }
    n.forEach(KernelSnapshot::strip);
  }

  /** Asserts two snapshots are equal, naming the first part that differs. */
  static void assertSame(Map<String, String> expected, Map<String, String> actual, String what) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.keySet(), actual.keySet(), what);
    for (String k : expected.keySet()) {
      org.junit.jupiter.api.Assertions.assertEquals(expected.get(k), actual.get(k), what + ": " + k);
    }
  }

  private static JsonNode withoutDynamicLifetimes(JsonNode links) {
    JsonNode copy = links.deepCopy();
    for (JsonNode l : copy) {
      for (JsonNode a : l.path("addr_info")) {
        if (a.path("dynamic").asBoolean(false)) {
          ((ObjectNode) a).remove("valid_life_time");
          ((ObjectNode) a).remove("preferred_life_time");
        }
      }
    }
    return copy;
  }
}
