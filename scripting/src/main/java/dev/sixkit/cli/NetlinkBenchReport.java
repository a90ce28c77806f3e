package dev.sixkit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results side of {@link NetlinkBench}: medians, the goals judged against them, and the report
 * as a table or JSON. Stateless; thread-safe.
 */
final class NetlinkBenchReport {
  private NetlinkBenchReport() {}

  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    int m = a.length / 2;
    return a.length % 2 == 1 ? a[m] : (a[m - 1] + a[m]) / 2;
  }

  /** One entry count's measurements, as the JSON document's shape, with the goals judged. */
  static Map<String, Object> result(int n, boolean withPyroute2, List<Double> sixkit, List<Double> ipBatch,
      List<Double> py, List<Double> pyProcess, List<Double> dumpSixkit, List<Double> dumpIp) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("entries", n);
    Map<String, Object> insert = new LinkedHashMap<>();
    insert.put("sixkit", series(sixkit, "insert loop in this JVM, warm"));
    insert.put("ip_batch", series(ipBatch, "whole ip -batch process"));
    if (withPyroute2) {
      insert.put("pyroute2", series(py, "insert loop inside the python process"));
      insert.put("pyroute2_process", series(pyProcess, "whole python process"));
    }
    m.put("insert", insert);
    Map<String, Object> dump = new LinkedHashMap<>();
    dump.put("sixkit", series(dumpSixkit, "proxies().dev(eth0).list() in this JVM, warm"));
    dump.put("ip", series(dumpIp, "whole ip -json -6 neigh show proxy process"));
    m.put("dump", dump);
    List<Map<String, Object>> goals = new ArrayList<>();
    goals.add(goal("sixkit/ip-batch", median(sixkit) / median(ipBatch), "<=", NetlinkBench.GOAL_VS_IP_BATCH));
    if (withPyroute2) {
      goals.add(goal("pyroute2/sixkit", median(py) / median(sixkit), ">=", NetlinkBench.GOAL_VS_PYROUTE2));
    }
    goals.add(goal("dump sixkit/ip", median(dumpSixkit) / median(dumpIp), "<=", NetlinkBench.GOAL_DUMP_VS_IP));
    m.put("goals", goals);
    return m;
  }

  private static Map<String, Object> series(List<Double> xs, String what) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median_s", round(median(xs)));
    m.put("samples_s", xs.stream().map(NetlinkBenchReport::round).toList());
    m.put("timed", what);
    return m;
  }

  private static Map<String, Object> goal(String name, double ratio, String op, double target) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ratio", name);
    m.put("value", round(ratio));
    m.put("goal", op + " " + target);
    m.put("pass", op.equals("<=") ? ratio <= target : ratio >= target);
    return m;
  }

  private static double round(double x) {
    return Math.round(x * 1e5) / 1e5;
  }

  @SuppressWarnings("unchecked")
  static int report(PrintWriter out, String ns, List<Map<String, Object>> results, boolean json, int rounds,
      boolean strict) {
    boolean allPass = true;
    for (Map<String, Object> r : results) {
      for (Map<String, Object> g : (List<Map<String, Object>>) r.get("goals")) {
        allPass &= (Boolean) g.get("pass");
      }
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("benchmark", "netlink proxy-neighbour inserts and dump");
      doc.put("netns", ns);
      doc.put("device", "veth " + NetlinkBench.DEV);
      doc.put("rounds", rounds);
      doc.put("cpus", Runtime.getRuntime().availableProcessors());
      doc.put("results", results);
      doc.put("all_goals_met", allPass);
      out.println(Json.write(doc, true));
    } else {
      out.printf(Locale.ROOT, "sixkit bench netlink: IPv6 proxy entries on veth %s in a fresh namespace, "
          + "medians of %d alternating rounds%n", NetlinkBench.DEV, rounds);
      for (Map<String, Object> r : results) {
        Map<String, Map<String, Object>> ins = (Map<String, Map<String, Object>>) r.get("insert");
        Map<String, Map<String, Object>> dump = (Map<String, Map<String, Object>>) r.get("dump");
        out.printf(Locale.ROOT, "%n%,d entries%n", (Integer) r.get("entries"));
        line(out, "insert  sixkit (in-process, warm)", ins.get("sixkit"));
        line(out, "insert  ip -batch (whole process)", ins.get("ip_batch"));
        if (ins.containsKey("pyroute2")) {
          line(out, "insert  pyroute2 (insert loop in python)", ins.get("pyroute2"));
          line(out, "        pyroute2 whole python process", ins.get("pyroute2_process"));
        }
        line(out, "dump    sixkit (in-process, warm)", dump.get("sixkit"));
        line(out, "dump    ip -json -6 neigh show proxy", dump.get("ip"));
        for (Map<String, Object> g : (List<Map<String, Object>>) r.get("goals")) {
          out.printf(Locale.ROOT, "  %-17s %7.2f   goal %-7s %s%n", g.get("ratio"), (Double) g.get("value"),
              g.get("goal"), (Boolean) g.get("pass") ? "PASS" : "MISS");
        }
      }
    }
    out.flush();
    return strict && !allPass ? Main.FAILURE : Main.OK;
  }

  private static void line(PrintWriter out, String label, Map<String, Object> s) {
    out.printf(Locale.ROOT, "  %-40s %8.4f s%n", label, (Double) s.get("median_s"));
  }
}
