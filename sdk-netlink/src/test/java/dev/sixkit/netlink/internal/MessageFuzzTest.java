package dev.sixkit.netlink.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sixkit.netlink.NetlinkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzzes the datagram walker and the attribute parser (with every struct size rtnetlink uses,
 * nests followed as deep as they go) and the extended-ACK reader. Seeds
 * (MessageFuzzTestInputs/parse) are link, address, route and neighbour dumps and capped and
 * full error messages captured from the kernel by CaptureSeeds. Only NetlinkException EBADMSG
 * may escape.
 */
class MessageFuzzTest {
  /** ifinfomsg 16, ifaddrmsg 8, rtmsg 12, ndmsg 12, and none. */
  private static final int[] STRUCTS = {0, 8, 12, 16};

  @FuzzTest(maxDuration = "60s")
  void parse(byte[] datagram) {
    ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
    try {
      Message.forEach(b, datagram.length, m -> {
        if (m.type() == Message.NLMSG_ERROR) {
          NetlinkSocket.extAck(m);
        }
        for (int size : STRUCTS) {
          if (m.bodyLength() >= size) {
            walk(m.buf(), m.body() + MessageWriter.align(size), m.end(), 0);
            m.attributes(size);
          }
        }
      });
    } catch (NetlinkException expected) {
      if (!"EBADMSG".equals(expected.errnoName())) {
        throw expected;
      }
    }
  }

  /** Parses a run, reads every value every way, and follows anything that parses as a nest. */
  private static void walk(ByteBuffer buf, int start, int end, int depth) {
    Attributes a = Attributes.parse(buf, start, end);
    Attributes.forEach(buf, start, end, (type, off, len) -> {
      a.bytes(type);
      a.string(type);
      if (len == 4 || len == 16) {
        a.address(type);
      }
      if (len >= 8) {
        a.u64(type, 0);
      }
      if (depth < 4) {
        try {
          walk(buf, off, off + len, depth + 1);
        } catch (NetlinkException notANest) {
          // most values are not nests; that is fine
        }
      }
    });
  }
}
