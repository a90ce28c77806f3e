package dev.sixkit.netlink.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Integration tests need root: they fail loudly without it, never skip. */
public final class Root {
  private Root() {}

  public static void require() {
    try {
      String status = Files.readString(Path.of("/proc/self/status"));
      for (String line : status.split("\n")) {
        if (line.startsWith("Uid:")) {
          String[] f = line.split("\\s+");
          if (!f[2].equals("0")) {
            throw new AssertionError("this test needs root (effective uid is " + f[2] + "): run the tests as root");
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read /proc/self/status", e);
    }
  }
}
