package dev.sixkit.netlink;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sixkit.netlink.internal.Message;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzz target for {@link Route#decode}: any bytes, read as a datagram of netlink messages and
 * as one message of any type, may only yield a Route, null, or a NetlinkException. The seed
 * corpus (RouteFuzzTestInputs/decode) holds real RTM_NEWROUTE messages, from dumps and from
 * route lookup answers, captured from the kernel by {@link RouteSeedCapture}. Without JAZZER_FUZZ=1 only the seeds run, as a regression test.
 */
class RouteFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void decode(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
    try {
      Message.forEach(b, data.length, m -> check(RouteCodec.decode(m, i -> i == 1 ? "lo" : null)));
    } catch (NetlinkException expected) {
      // malformed input is reported this way and no other
    }
    if (data.length >= 16) {
      // The same bytes as one message whatever its length field says, to reach the decoder.
      Message whole = new Message(b, 0, data.length, b.getShort(4) & 0xffff, b.getShort(6) & 0xffff, 0, 0);
      try {
        check(RouteCodec.decode(whole, null));
      } catch (NetlinkException expected) {
        // fine
      }
    }
  }

  private static void check(Route r) {
    if (r != null) {
      r.toString(); // formatting must not fail either
      r.destinationText();
    }
  }
}
