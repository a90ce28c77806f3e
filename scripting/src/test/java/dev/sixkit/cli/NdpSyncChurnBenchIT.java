package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.lab.Engine;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.Root;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A short run of the real churn benchmark on every engine the lab knows: every container gets an
 * entry, is pinged from the other host and loses its entry; the JSON is complete and the lab is gone
 * afterwards. Latencies are the benchmark's business, not this test's.
 */
class NdpSyncChurnBenchIT {
  static Stream<String> engines() {
    return Engine.known().stream().map(Engine::name);
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void aShortChurnGivesEveryContainerItsEntryAndCleansUp(String engine) throws Exception {
    Root.require();
    CliRun r = CliRun.sixkit("bench", "ndp-sync", "--churn", "6", "--parallel", "2", "--engine", engine, "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(6, doc.get("containers").asInt());
    for (String k : List.of("startToEntry", "dieToEntryRemoved", "startToFirstPingFromOtherHost")) {
      assertEquals(6, doc.get(k).get("samples").asInt(), k + ": " + doc);
      assertEquals(0, doc.get(k).get("never").asInt(), k + ": " + doc);
    }
    assertEquals(0, doc.get("pingsNeverAnswered").asInt(), doc.toString());
    Matcher m = Pattern.compile("lab (sxc[0-9a-f]+):").matcher(r.err());
    assertTrue(m.find(), r.err());
    Set<String> left = new HashSet<>(Netns.list());
    left.removeIf(n -> !n.startsWith(m.group(1) + "-"));
    assertEquals(Set.of(), left, "the benchmark's lab must be taken down");
  }
}
