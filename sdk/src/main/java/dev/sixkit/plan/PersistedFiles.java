package dev.sixkit.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sixkit.SixkitException;
import java.util.ArrayList;
import java.util.List;

/**
 * The file steps of a setup that persists its settings: sysctl.d, daemon.json (merged, never
 * replaced) and an ip batch file. Pure: from the files' current text to the steps.
 *
 * <p>Stateless; thread-safe.
 */
final class PersistedFiles {
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
        boolean same = doc.path("ipv6").asBoolean(false) && want.equals(doc.path("fixed-cidr-v6").asText(""));
        if (!same) {
          doc.put("ipv6", true);
          doc.put("fixed-cidr-v6", want);
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

  private static void fileStep(List<Step> out, String path, String now, String want) {
    if (!want.equals(now)) {
      out.add(new Step.File(path, now, want));
    }
  }
}
