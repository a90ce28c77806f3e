package dev.sixkit.netlink;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sixkit.netlink.internal.Message;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzzes the sock_diag decoder with whole datagrams. Seeds (SocketDiagFuzzTestInputs/decode) are
 * SOCK_DIAG_BY_FAMILY dump answers captured from the kernel: TCP listeners on ::, 0.0.0.0 and
 * single addresses, and an established connection. The only exception allowed is EBADMSG.
 */
class SocketDiagFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void decode(byte[] datagram) {
    ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
    try {
      Message.forEach(b, datagram.length, m -> {
        Socket s = SocketDiag.decode(m);
        if (s != null) {
          s.toString();
          s.peer();
        }
      });
    } catch (NetlinkException expected) {
      if (!"EBADMSG".equals(expected.errnoName())) {
        throw expected;
      }
    }
  }
}
