package dev.sixkit.internal.iproute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Protocols;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The protocol of neighbour and proxy entries read over SSH ({@code ip -json neigh show proxy}, as
 * iproute2 6.1 prints it): the ownership mark must read the same as through netlink.
 */
class IpJsonNeighbourProtocolTest {
  @Test
  void protocolByNumberAndByNameAndAbsent() {
    String out = "[{\"dst\":\"2001:db8::5\",\"dev\":\"va\",\"proxy\":null,\"protocol\":\"171\"},"
        + "{\"dst\":\"2001:db8::6\",\"dev\":\"va\",\"proxy\":null,\"protocol\":\"openr\"},"
        + "{\"dst\":\"2001:db8::7\",\"dev\":\"va\",\"proxy\":null}]";
    List<Neighbour> n = IpJson.neighbours(IpJson.array(out, "proxy entries"), Map.of("va", 3));
    assertEquals(Protocols.SIXKIT, n.get(0).protocol());
    assertEquals(99, n.get(1).protocol());
    assertEquals(0, n.get(2).protocol());
  }
}
