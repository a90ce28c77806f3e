package dev.sixkit.host;

import static dev.sixkit.netlink.testing.FakeConnection.RTM_GETLINK;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_GETNEIGH;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_NEWNEIGH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.testing.FakeConnection;
import dev.sixkit.plan.HostFiles;
import dev.sixkit.plan.Step;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What one proxy add from a setup costs on the wire, counted on the sdk-netlink fake connection
 * (captured kernel answers; no root, no namespace): the step apply runs makes one link lookup (the
 * uplink's index, passed on as {@code dev(int)}), one RTM_GETNEIGH for that one entry (not a dump)
 * and one write.
 */
class ProxyAddCostTest {
  private static final int ENOENT = 2;

  @Test
  void oneProxyAddIsOneLinkLookupAndOneWrite() {
    FakeConnection fake = FakeConnection.captured().fail(RTM_GETNEIGH, ENOENT, null); // the entry is not there yet
    KernelHost host = KernelHost.over("docker1", Netlink.over(fake));
    Change c = new Step.Proxy("eth0", "2001:db8:ab11:0:8000::2", true).apply(host, HostFiles.local());
    assertEquals(Change.Kind.ADDED, c.kind(), c.toString());
    assertEquals(Map.of(RTM_GETLINK, 1, RTM_GETNEIGH, 1, RTM_NEWNEIGH, 1), fake.counts());
    assertTrue(fake.count(RTM_GETLINK) <= 1 && fake.count(RTM_NEWNEIGH) == 1);
  }

  @Test
  void anEntryThatIsThereCostsNoWrite() {
    FakeConnection fake = FakeConnection.captured(); // GETNEIGH answers with an entry
    KernelHost host = KernelHost.over("docker1", Netlink.over(fake));
    Change c = new Step.Proxy("eth0", "2001:db8:ab11:0:8000::2", true).apply(host, HostFiles.local());
    assertEquals(Change.Kind.UNCHANGED, c.kind(), c.toString());
    assertEquals(Map.of(RTM_GETLINK, 1, RTM_GETNEIGH, 1), fake.counts());
  }
}
