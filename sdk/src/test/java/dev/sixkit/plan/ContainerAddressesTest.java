package dev.sixkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.NetworkAttachment;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one rule for which container addresses get a proxy entry: pure, no kernel, no Docker. */
class ContainerAddressesTest {
  private static IPv6Address v6(String s) {
    return new IPAddressString(s).getAddress().toIPv6();
  }

  private static Container container(String name, String state, String... addresses) {
    List<NetworkAttachment> nets = new java.util.ArrayList<>();
    int i = 0;
    for (String a : addresses) {
      nets.add(new NetworkAttachment("net" + i++, "", Optional.of(v6(a)), 66, Optional.empty(), Optional.empty(), 0,
          Optional.empty(), ""));
    }
    return new Container(name + "-id", name, "sixkit/web", state, nets, List.of());
  }

  @Test
  void runningPausedAndRestartingContainersKeepTheirEntry() {
    for (String state : List.of("running", "paused", "restarting")) {
      assertTrue(ContainerAddresses.keepsEntry(state), state);
      assertEquals(Set.of(v6("2001:db8:ab11:0:8000::2")),
          ContainerAddresses.of(container("web1", state, "2001:db8:ab11:0:8000::2"), a -> true), state);
    }
  }

  @Test
  void createdExitedDeadAndRemovingContainersGetNone() {
    for (String state : List.of("created", "exited", "dead", "removing", "", "something-new")) {
      assertFalse(ContainerAddresses.keepsEntry(state), state);
      assertEquals(Set.of(), ContainerAddresses.of(container("web1", state, "2001:db8:ab11:0:8000::2"), a -> true), state);
    }
    assertFalse(ContainerAddresses.keepsEntry((String) null));
  }

  @Test
  void onlyAddressesInsideThePrefixCount() {
    IPv6Address prefix = v6("2001:db8:ab11:0:8000::/66");
    List<Container> cs = List.of(
        container("web1", "running", "2001:db8:ab11:0:8000::2", "2001:db8:cd11::2"),
        container("web2", "paused", "2001:db8:ab11:0:8000::3"),
        container("web3", "exited", "2001:db8:ab11:0:8000::4"),
        container("web4", "running", "2001:db8:ab11:0:c000::2"));
    assertEquals(List.of(v6("2001:db8:ab11:0:8000::2"), v6("2001:db8:ab11:0:8000::3")),
        List.copyOf(ContainerAddresses.in(cs, prefix)));
  }

  @Test
  void addressesComeWithoutPrefixLength() {
    Set<IPv6Address> got = ContainerAddresses.of(container("web1", "running", "2001:db8:ab11:0:8000::2/66"), a -> true);
    assertEquals("2001:db8:ab11:0:8000::2", got.iterator().next().toCanonicalString());
  }
}
