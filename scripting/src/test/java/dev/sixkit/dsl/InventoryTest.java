package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inventory format: lines, defaults, comments, and bad lines named by number. */
class InventoryTest {
  @Test
  void linesDefaultsAndComments() {
    List<Inventory.Line> l = Inventory.parse("hosts.txt", List.of(
        "# fleet",
        "* - uplink=eth0 port=2222",
        "",
        "docker1  root@docker1   # the first",
        "docker2  root@[2001:db8::2]:22  uplink=ens3 web=web2,api2"));
    assertEquals(2, l.size());
    assertEquals(new Inventory.Line("docker1", "root@docker1", Map.of("uplink", "eth0", "port", "2222"), 4), l.get(0));
    assertEquals(Map.of("uplink", "ens3", "port", "2222", "web", "web2,api2"), l.get(1).options());
    assertEquals(5, l.get(1).number());
  }

  @Test
  void badLinesAreNamed() {
    DslException e = assertThrows(DslException.class, () -> Inventory.parse("hosts.txt", List.of("docker1 root@d1",
        "docker2 root@d2 uplnk=eth0")));
    assertTrue(e.getMessage().startsWith("hosts.txt:2: ") && e.getMessage().contains("did you mean uplink?"),
        e.getMessage());
    e = assertThrows(DslException.class, () -> Inventory.parse("h", List.of("docker1")));
    assertTrue(e.getMessage().startsWith("h:1: ") && e.getMessage().contains("no target"), e.getMessage());
    e = assertThrows(DslException.class, () -> Inventory.parse("h", List.of("d1 root@a", "d1 root@b")));
    assertTrue(e.getMessage().contains("h:2: ") && e.getMessage().contains("listed twice (first on line 1)"),
        e.getMessage());
    e = assertThrows(DslException.class, () -> Inventory.parse("h", List.of("d1 root@a uplink")));
    assertTrue(e.getMessage().contains("is not KEY=VALUE"), e.getMessage());
  }

  @Test
  void badValuesAreNamedWithTheirLineAndNoHostIsAdded() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("inventory", ".txt");
    try {
      java.nio.file.Files.writeString(f, "d1 root@a uplink=eth0\nd2 root@b;id uplink=eth0\n");
      DslException e = assertThrows(DslException.class, () -> Setup.of(s -> s.underlay("2001:db8:ab11::/64")
          .mode(dev.sixkit.plan.Mode.NDP_PROXY).inventory(f.toString())));
      assertTrue(e.getMessage().startsWith(f + ":2: "), e.getMessage());
      java.nio.file.Files.writeString(f, "d1 root@a uplink=eth0 port=x\n");
      e = assertThrows(DslException.class, () -> Setup.of(s -> s.inventory(f.toString())));
      assertTrue(e.getMessage().startsWith(f + ":1: ") && e.getMessage().contains("port"), e.getMessage());
      java.nio.file.Files.writeString(f, "d1 root@a uplink=eth0 address=2001:db8:ab11::1\n");
      Setup s = Setup.of(sp -> sp.underlay("2001:db8:ab11::/64").mode(dev.sixkit.plan.Mode.NDP_PROXY).split(66)
          .inventory(f.toString()));
      assertEquals("ssh root@a", s.hosts().get(0).connector().describe());
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
  }
}
