package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.internal.os.Procs;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.DesiredSetup;
import dev.sixkit.plan.HostConnector;
import dev.sixkit.plan.HostEntry;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.NetworkEntry;
import dev.sixkit.plan.Persist;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.SetupEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: a setup that persists its settings, with routed networks on Docker 28, writes the
 * daemon.json that engine needs: the plan's daemon fragment (routed gateway mode for networks
 * created later) merged into the host's existing daemon.json without losing its keys; undo puts
 * the file back as it was. Then the file as applied is given to docker1's dockerd, restarted:
 * the engine reads its IPv6 prefix from it, and a network created without options is in routed
 * gateway mode.
 */
class PersistedDaemonJsonIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODE_PATH = "/default-network-opts/bridge/" + DockerNetwork.GATEWAY_MODE_IPV6;
  @TempDir
  Path tmp;

  @Test
  void routedNetworksOn28_daemonJsonMergedAndUndone_andTheRestartedEngineHonoursIt() throws Exception {
    Root.require();
    String name = "sxpd" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    try (Lab lab = Lab.builder().engine(Engine.V28).name(name).hosts(2).mode(Mode.NDP_PROXY).up()) {
      // the operator's daemon.json on docker1: the lab's own keys and one more
      Path persistRoot = tmp.resolve("persist");
      Path dj = persistRoot.resolve("docker1/etc/docker/daemon.json");
      Files.createDirectories(dj.getParent());
      HostDirs dirs = HostDirs.of(name, "docker1");
      JsonNode labOwn = JSON.readTree(Files.readString(dirs.daemonJson()));
      // (the lab's dockerd takes its IPv6 prefix from the command line; on a real host it is in the file)
      String users = "{\n  \"deprecated-key-path\": " + labOwn.get("deprecated-key-path") + ",\n  \"log-level\": \"warn\",\n"
          + "  \"fixed-cidr-v6\": \"" + lab.host("docker1").dockerPrefix() + "\"\n}\n";
      Files.writeString(dj, users);

      String[] subnets = {"2001:db8:ab11:0:4000::/67", "2001:db8:ab11:0:6000::/67"};
      List<HostEntry> hosts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        LabHost h = lab.hosts().get(i);
        // the setup's prefixes are /67s of the underlay beside the default bridges' /66s (as DslRoutedNetworkIT)
        hosts.add(new HostEntry(h.name(), HostConnector.netns(h.netns()), "eth0", null, h.dockerEndpoint(), subnets[i],
            List.of(), "", List.of(new NetworkEntry("web6", null))));
      }
      DesiredSetup setup = new DesiredSetup(name, Mode.NDP_PROXY, Prefixes.prefix(Lab.UNDERLAY), 66, hosts,
          new Persist(persistRoot + "/{host}", true, false, true, false), tmp.resolve("state").toString());
      String applied;
      try (SetupEngine engine = new SetupEngine(setup)) {
        Plan plan = engine.plan();
        assertTrue(plan.ok(), plan.toString());
        ApplyResult r = engine.apply();
        assertTrue(r.ok(), r.toString());
        applied = Files.readString(dj);
        JsonNode doc = JSON.readTree(applied);
        assertEquals("warn", doc.path("log-level").asText(), "the operator's keys stay: " + applied);
        assertEquals(labOwn.get("deprecated-key-path"), doc.get("deprecated-key-path"), applied);
        assertTrue(doc.path("ipv6").asBoolean(), applied);
        assertEquals(lab.host("docker1").dockerPrefix(), doc.path("fixed-cidr-v6").asText(),
            "the operator's fixed-cidr-v6 stays (web6's prefix is not the default bridge's): " + applied);
        assertEquals("routed", doc.at(MODE_PATH).asText(), "the plan's daemon fragment is merged in: " + applied);
        assertEquals(JSON.readTree(dev.sixkit.plan.EngineNeeds.DAEMON_JSON_ROUTED).at(MODE_PATH), doc.at(MODE_PATH));

        ApplyResult undone = engine.undo();
        assertTrue(undone.ok(), undone.toString());
        assertEquals(users, Files.readString(dj), "undo puts the operator's daemon.json back as it was");
      }

      // docker1's dockerd restarted with the file as applied (and no IPv6 options of its own)
      Path appliedFile = tmp.resolve("applied-daemon.json");
      Files.writeString(appliedFile, applied);
      long pid = dirs.runningDockerd().orElseThrow();
      Procs.term(pid);
      assertTrue(Procs.awaitGone(List.of(pid), Duration.ofSeconds(30)).isEmpty(), "docker1's dockerd stopped");
      LabHost h1 = lab.host("docker1");
      DockerDaemon.lab(name).host("docker1").netns(h1.netns()).engine(Engine.V28.install(LabProgress.silent()))
          .configFile(appliedFile).start();
      try (Docker d = Docker.connect(h1.dockerEndpoint())) {
        DaemonFacts f = d.daemon();
        assertTrue(f.ipv6Enabled(), f.toString());
        DockerNetwork bridge = d.network("bridge");
        assertTrue(bridge.ipv6Enabled() && bridge.ipv6Subnets().toString().contains(h1.dockerPrefix()),
            "the default bridge's IPv6 prefix comes from the file: " + bridge);
        DockerNetwork n = d.newNetwork("later6").ipv6().subnet("2001:db8:ab11:0:4000::/68").create();
        assertEquals("routed", d.network(n.name()).ipv6GatewayMode(),
            "a network created without options gets the routed mode from daemon.json");
        d.removeNetwork("later6");
        assertFalse(d.networks().stream().anyMatch(x -> x.name().equals("later6")));
      }
    } finally {
      if (Lab.exists(name)) {
        Lab.down(name, LabProgress.silent());
      }
    }
  }
}
