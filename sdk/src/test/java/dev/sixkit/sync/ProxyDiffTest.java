package dev.sixkit.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.DockerEvent;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Protocols;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sync's pure parts: the diff against a marked proxy table, and which Docker events need no inspect. */
class ProxyDiffTest {
  static final IpPrefix MANAGED = IpPrefix.parse("2001:db8:ab11:0:8000::/66");
  static final InetAddress LIVE = IpAddresses.parse("2001:db8:ab11:0:8000::2");
  static final InetAddress GONE = IpAddresses.parse("2001:db8:ab11:0:8000::3");
  static final InetAddress BY_HAND = IpAddresses.parse("2001:db8:ab11:0:8000::4");
  static final InetAddress NEW = IpAddresses.parse("2001:db8:ab11:0:8000::5");
  static final InetAddress OUTSIDE = IpAddresses.parse("2001:db8:ab11::9");

  static ProxyDiff diff(boolean dockerKnown) {
    Map<InetAddress, Integer> kernel = Map.of(LIVE, Protocols.SIXKIT, GONE, Protocols.SIXKIT, BY_HAND, 0,
        OUTSIDE, Protocols.SIXKIT);
    return ProxyDiff.of(Set.of(LIVE, NEW), kernel, OwnershipStore::ours, MANAGED::contains, dockerKnown);
  }

  @Test
  void marksDecideOwnership() {
    ProxyDiff d = diff(true);
    assertEquals(List.of(NEW), d.toAdd());
    assertEquals(List.of(GONE), d.toDelete(), "a marked entry nobody wants goes (an apply's entry too)");
    assertEquals(Set.of(BY_HAND), d.foreign(), "an unmarked entry is the operator's, even for an address once owned");
    assertEquals(Set.of(LIVE, NEW), d.owned());
  }

  @Test
  void nothingIsRemovedWhileDockerIsUnknown() {
    ProxyDiff d = diff(false);
    assertTrue(d.toDelete().isEmpty());
    assertEquals(Set.of(LIVE, NEW, GONE), d.owned());
  }

  @Test
  void outsideTheManagedPrefixesNothingIsJudged() {
    ProxyDiff d = ProxyDiff.of(Set.of(), Map.of(OUTSIDE, Protocols.SIXKIT), OwnershipStore::ours, MANAGED::contains, true);
    assertTrue(d.isEmpty());
    assertTrue(d.foreign().isEmpty());
  }

  static DockerEvent ev(String type, String action, String actor, Map<String, String> attrs) {
    return new DockerEvent(type, action, actor, attrs, Instant.now());
  }

  @Test
  void dieAndDestroyNeedNoInspect() {
    assertEquals(new SyncTask.ContainerGone("c1"), DockerWatch.taskOf(ev("container", "die", "c1", Map.of())).orElseThrow());
    assertEquals(new SyncTask.ContainerGone("c1"), DockerWatch.taskOf(ev("container", "destroy", "c1", Map.of())).orElseThrow());
    assertEquals(new SyncTask.ContainerLeft("c1", "n1"),
        DockerWatch.taskOf(ev("network", "disconnect", "n1", Map.of("container", "c1"))).orElseThrow());
  }

  @Test
  void onlyAddressChangingEventsReadTheContainer() {
    for (String a : List.of("start", "restart", "pause", "unpause")) {
      assertEquals(new SyncTask.ContainerChanged("c1"), DockerWatch.taskOf(ev("container", a, "c1", Map.of())).orElseThrow());
    }
    for (String a : List.of("kill", "stop", "create", "exec_start: sh", "health_status: healthy", "rename")) {
      assertTrue(DockerWatch.taskOf(ev("container", a, "c1", Map.of())).isEmpty(), a + " must not cost an inspect");
    }
    assertEquals(new SyncTask.ContainerConnected("c1", "n1"),
        DockerWatch.taskOf(ev("network", "connect", "n1", Map.of("container", "c1"))).orElseThrow());
  }

  @Test
  void networkCreateAndDestroyRereadThePrefixes() {
    assertTrue(DockerWatch.taskOf(ev("network", "create", "n1", Map.of())).orElseThrow() instanceof SyncTask.NetworksChanged);
    assertTrue(DockerWatch.taskOf(ev("network", "destroy", "n1", Map.of())).orElseThrow() instanceof SyncTask.NetworksChanged);
  }
}
