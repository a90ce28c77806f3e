package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;

/** Link-layer (MAC) address text. Thread-safe; no state. */
final class Macs {
  private Macs() {}

  static String check(String mac) {
    parse(mac);
    return mac.toLowerCase(java.util.Locale.ROOT);
  }

  static byte[] parse(String mac) {
    if (mac == null || !mac.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")) {
      throw new NetlinkException(Errno.EINVAL, "parse link-layer address", String.valueOf(mac),
          "'" + mac + "' is not a MAC address like 02:42:ac:11:00:02");
    }
    byte[] out = new byte[6];
    for (int i = 0; i < 6; i++) {
      out[i] = (byte) Integer.parseInt(mac.substring(i * 3, i * 3 + 2), 16);
    }
    return out;
  }
}
