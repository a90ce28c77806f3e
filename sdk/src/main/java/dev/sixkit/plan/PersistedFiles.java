package dev.sixkit.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sixkit.SixkitException;
import dev.sixkit.docker.DockerNetwork;
import java.util.ArrayList;
import java.util.List;

/**
 * The file steps of a setup that persists its settings: sysctl.d, daemon.json (merged, never
 * replaced; with the routed gateway mode as default-network-opts where the engine needs it) and
 * an ip batch file. Pure: from the files' current text to the steps.
 *
 * <p>Stateless; thread-safe.
 */
final class PersistedFiles {
  /** daemon.json's key for options every network created later gets, per driver. */
  static final String DEFAULT_NETWORK_OPTS = "default-network-opts";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PersistedFiles() {}

  static List<Step> steps(DesiredSetup setup, HostEntry e, HostState s, HostPlan hp, List<String> batch) {
    Persist persist = setup.persist();
    List<String> paths = setup.persistPaths(e);
    List<Step> out = new ArrayList<>();
    if (persist.sysctl()) {
      StringBuilder t = new StringBuilder("# Written by sixkit (setup " + setup.name() + "): IPv6 for Docker, "
          + Plan.modeText(setup.mode()) + ".\nnet.ipv6.conf.all.forwarding = 1\n");
      if (setup.mode() == Mode.NDP_PROXY) {
        t.append("net.ipv6.conf.").append(e.uplink()).append(".proxy_ndp = 1\n");
        t.append("net.ipv6.neigh.").append(e.uplink()).append(".proxy_delay = ").append(FirstContact.PROXY_DELAY).append('\n');
      }
      fileStep(out, paths.get(0), s.files().get(paths.get(0)), t.toString());
    }
    if (persist.daemonJson()) {
      String path = paths.get(1);
      String now = s.files().get(path);
      String want = Prefixes.text(hp.dockerPrefix());
      try {
        ObjectNode doc = now == null || now.isBlank() ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(now);
        boolean routed = routedByDefault(e, s);
        // With declared networks the plan's prefix is theirs: as the default bridge's
        // fixed-cidr-v6 it would overlap them and the engine would refuse them at the next start.
        boolean cidr = e.networks().isEmpty();
        boolean same = doc.path("ipv6").asBoolean(false) && (!cidr || want.equals(doc.path("fixed-cidr-v6").asText("")))
            && (!routed || "routed".equals(doc.path(DEFAULT_NETWORK_OPTS).path("bridge")
                .path(DockerNetwork.GATEWAY_MODE_IPV6).asText()));
        if (!same) {
          doc.put("ipv6", true);
          if (cidr) {
            doc.put("fixed-cidr-v6", want);
          }
          if (routed) {
            // merged into the user's default-network-opts: other drivers and bridge options stay
            JsonNode opts = doc.path(DEFAULT_NETWORK_OPTS);
            ObjectNode o = opts.isObject() ? (ObjectNode) opts : doc.putObject(DEFAULT_NETWORK_OPTS);
            JsonNode bridge = o.path("bridge");
            ObjectNode b = bridge.isObject() ? (ObjectNode) bridge : o.putObject("bridge");
            b.put(DockerNetwork.GATEWAY_MODE_IPV6, "routed");
          }
          out.add(new Step.File(path, now, JSON.writeValueAsString(doc) + "\n"));
        }
      } catch (java.io.IOException | ClassCastException ex) {
        throw new SixkitException("read", path, "on " + e.name() + ": not a JSON object (" + ex.getMessage()
            + "); fix or remove it, sixkit merges its settings into it", ex);
      }
    }
    if (persist.ipBatch()) {
      StringBuilder t = new StringBuilder("# Written by sixkit (setup " + setup.name() + "); load with: ip -batch "
          + paths.get(2) + "\n");
      batch.forEach(l -> t.append(l).append('\n'));
      fileStep(out, paths.get(2), s.files().get(paths.get(2)), t.toString());
    }
    return out;
  }

  /**
   * Whether daemon.json gets the routed gateway mode for networks created later ({@link
   * EngineNeeds#DAEMON_JSON_ROUTED}, the fragment the plan names): when the host declares networks
   * in routed mode, or its engine filters NAT-mode bridges (Docker 27+ with ip6tables). Never on an
   * engine without gateway modes (20.10 would ignore it).
   */
  static boolean routedByDefault(HostEntry e, HostState s) {
    if (s.daemon() != null) {
      return s.daemon().majorVersion() >= EngineNeeds.GATEWAY_MODES_SINCE
          && (!e.networks().isEmpty() || EngineNeeds.filtersNatBridges(s.daemon()));
    }
    return !e.networks().isEmpty(); // declared networks are refused on engines without modes
  }

  private static void fileStep(List<Step> out, String path, String now, String want) {
    if (!want.equals(now)) {
      out.add(new Step.File(path, now, want));
    }
  }
}
