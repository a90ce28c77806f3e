package dev.sixkit.netlink;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link BadInputIT} in a child JVM without CAP_NET_ADMIN: tries to add a proxy entry in
 * a namespace and prints one line, {@code CapEff=HEX}, then {@code OK} or
 * {@code FAILED ERRNONAME MESSAGE}.
 */
public final class NoCapChild {
  private NoCapChild() {}

  public static void main(String[] args) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")) {
        System.out.println("CapEff=" + line.substring(7).trim());
      }
    }
    try (Netlink nl = Netlink.open(args[0])) {
      nl.neighbours().proxy6(args[1]).dev(args[2]).add();
      System.out.println("OK");
    } catch (NetlinkException e) {
      System.out.println("FAILED " + e.errnoName() + " " + e.getMessage());
    }
  }
}
