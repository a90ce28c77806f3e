package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.Root;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A small run of the real benchmark: every method works, the JSON is complete, no namespace is left. */
class NetlinkBenchIT {
  @Test
  void smallBenchRunsAllThreeWaysAndCleansUp() throws Exception {
    Root.require();
    Set<String> before = new HashSet<>(Netns.list());
    CliRun r = CliRun.sixkit("bench", "netlink", "--entries", "200,300", "--rounds", "2", "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(2, doc.get("rounds").asInt());
    JsonNode results = doc.get("results");
    assertEquals(2, results.size());
    assertEquals(300, results.get(1).get("entries").asInt());
    for (JsonNode res : results) {
      for (String m : List.of("sixkit", "ip_batch", "pyroute2", "pyroute2_process")) {
        JsonNode s = res.get("insert").get(m);
        assertEquals(2, s.get("samples_s").size(), m);
        assertTrue(s.get("median_s").asDouble() > 0, m + " took time");
      }
      assertTrue(res.get("dump").get("sixkit").get("median_s").asDouble() > 0);
      assertTrue(res.get("dump").get("ip").get("median_s").asDouble() > 0);
      assertEquals(3, res.get("goals").size());
    }
    Set<String> left = new HashSet<>(Netns.list());
    left.removeAll(before);
    left.removeIf(n -> !n.startsWith("sxt-bench-"));
    assertEquals(Set.of(), left, "the benchmark's namespace must be deleted");
  }
}
