package dev.sixkit.netlink;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the RTM_NEWMULTICAST/RTM_DELMULTICAST decoder. Seeds (MulticastFuzzTestInputs/decode) are
 * datagrams the kernel sent on RTNLGRP_IPV6_MCADDR while a proxy entry was added and flushed and
 * the device went down. The only exception allowed is EBADMSG.
 */
class MulticastFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void decode(byte[] datagram) {
    try {
      Multicast.Change c = Multicast.decode(datagram);
      if (c != null) {
        c.toString();
      }
    } catch (NetlinkException expected) {
      if (!"EBADMSG".equals(expected.errnoName())) {
        throw expected;
      }
    }
  }
}
