package dev.sixkit.netlink;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sixkit.netlink.internal.Message;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzzes the neighbour decoder with whole datagrams. Seeds (NeighbourFuzzTestInputs/decode) are
 * neighbour and proxy dumps and RTM_NEWNEIGH/RTM_DELNEIGH events captured from the kernel by
 * internal.CaptureSeeds. Without JAZZER_FUZZ=1 the seeds run as a regression test; with it,
 * Jazzer mutates them for {@code maxDuration}. The only exception allowed is NetlinkException.
 */
class NeighbourFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void decode(byte[] datagram) {
    ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
    try {
      Message.forEach(b, datagram.length, m -> {
        if (m.type() == NeighbourCodec.RTM_NEWNEIGH || m.type() == NeighbourCodec.RTM_DELNEIGH) {
          Neighbour n = NeighbourCodec.decode(m, i -> i == 2 ? "eth0" : null);
          if (n != null) {
            n.toString();
            IpAddresses.format(n.address());
          }
        }
      });
    } catch (NetlinkException expected) {
      if (!"EBADMSG".equals(expected.errnoName())) {
        throw expected;
      }
    }
  }
}
