package dev.sixkit.internal.iproute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sixkit.netlink.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing table ids read from {@code ip -json route} (SSH hosts) are unsigned 32-bit, as the kernel's. */
class IpJsonTablesTest {
  @Test
  void tablesAboveTwoToThe31KeepTheirId() {
    String out = "[{\"dst\":\"2001:db8:ef70::/64\",\"dev\":\"eth0\",\"table\":\"4294967000\",\"metric\":1024},"
        + "{\"dst\":\"2001:db8:ef71::/64\",\"dev\":\"eth0\",\"table\":\"local\",\"metric\":0},"
        + "{\"dst\":\"2001:db8:ef72::/64\",\"dev\":\"eth0\",\"metric\":1024}]";
    List<Route> routes = IpJson.routes(IpJson.array(out, "routes"), true, Map.of("eth0", 2));
    assertEquals(4294967000L, routes.get(0).table());
    assertEquals("4294967000", routes.get(0).tableName());
    assertEquals(Route.TABLE_LOCAL, routes.get(1).table());
    assertEquals(Route.TABLE_MAIN, routes.get(2).table());
  }
}
