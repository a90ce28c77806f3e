package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Namespace names as iproute2 judges them: ip netns refuses "", ".", "..", names with '/' and
 * names over 255 bytes ("Invalid netns name"), and so does every Netns entry point, before it
 * touches /run/netns. Before the fix, {@code Netns.delete(".")} unmounted /run/netns itself.
 */
class NetnsNamesIT {
  private static final List<String> REFUSED_BY_IP = List.of("", ".", "..", "a/b", "../etc", "x/..", "/",
      "x".repeat(256));

  /** The mount table line of /run/netns, if it is a mount point (ip netns add makes it one). */
  static List<String> runNetnsMounts() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.split(" ")[4].equals("/run/netns")).toList();
  }

  @Test
  void namesIpRefusesAreRefusedEverywhereAndRunNetnsStays() throws IOException {
    Root.require();
    try (TestNetns nets = new TestNetns()) {
      String keep = nets.create("nn").name(); // one of ours that must survive every attempt
      List<String> mountsBefore = runNetnsMounts();
      assertFalse(mountsBefore.isEmpty(), "/run/netns is a mount point after ip netns add");
      for (String bad : REFUSED_BY_IP) {
        Ip.Result ip = Ip.tryRun(null, "netns", "add", bad);
        assertNotEquals(0, ip.exit(), "ip netns add refuses '" + bad + "'");
        assertTrue(ip.err().contains("Invalid netns name"), ip.err());
        String shown = bad.length() > 40 ? bad.substring(0, 40) : bad;
        for (Executable x : List.<Executable>of(() -> Netns.delete(bad), () -> Netns.open(bad),
            () -> Netns.exists(bad), () -> Netns.create(bad), () -> Netns.deleteIfExists(bad),
            () -> Netlink.open(bad))) {
          NetlinkException e = BadInputIT.fails("EINVAL", x, "'" + shown);
          assertTrue(e.getMessage().contains("network namespace"), e.getMessage());
        }
      }
      NetlinkException nul = BadInputIT.fails("EINVAL", () -> Netns.delete("a\0b"), "NUL");
      assertTrue(nul.getMessage().contains("'a\\0b'"), nul.getMessage());
      BadInputIT.fails("EINVAL", () -> Netns.open(null), "required");
      // the limit counts bytes, as the file name does: 128 two-byte letters are 256 bytes
      BadInputIT.fails("EINVAL", () -> Netns.open("\u00e9".repeat(128)), "255 bytes", "256");
      assertEquals(mountsBefore, runNetnsMounts(), "/run/netns is still the same mount");
      assertTrue(Files.exists(Path.of("/run/netns", keep)));
      assertTrue(Ip.run(null, "netns", "list").contains(keep), "ip still sees our namespace");
      try (Netlink nl = Netlink.open(keep)) {
        assertFalse(nl.links().list().isEmpty(), "our namespace still answers");
      }
    }
  }

  /** A folder under /run/netns is not a namespace handle: delete leaves it (and every mount) alone. */
  @Test
  void deleteRefusesWhatIsNotAHandle() throws IOException {
    Root.require();
    String name = TestNetns.uniqueName("w2dir");
    Path dir = Path.of("/run/netns", name);
    List<String> mountsBefore = runNetnsMounts();
    Files.createDirectory(dir);
    try {
      BadInputIT.fails("EINVAL", () -> Netns.delete(name), name, "not a namespace handle");
      assertTrue(Files.isDirectory(dir), "left alone");
      assertEquals(mountsBefore, runNetnsMounts());
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  /** Names ip takes (spaces, ':', a leading '-', 255 bytes) work here too, both ways. */
  @Test
  void namesIpTakesWork() {
    Root.require();
    String tag = Long.toHexString(System.nanoTime() & 0xffffff);
    for (String name : List.of("sxt w2 " + tag, "sxt:w2:" + tag, "-sxt-" + tag,
        ("sxt-" + tag + "-").concat("y".repeat(255 - 5 - tag.length())))) {
      assertEquals(name.length() > 200 ? 255 : name.length(), name.length());
      try {
        Netns ns = Netns.create(name);
        assertTrue(Ip.run(null, "netns", "list").lines().anyMatch(l -> l.split(" \\(id")[0].equals(name)),
            "ip netns list shows '" + name + "'");
        assertTrue(Ip.tryRun(name, "link", "show", "lo").exit() == 0, "ip -n opens '" + name + "'");
        try (Netlink nl = Netlink.open(ns)) {
          assertEquals("lo", nl.links().get("lo").name());
        }
        Netns.delete(name);
        assertFalse(Files.exists(Path.of("/run/netns").resolve(name)));
      } finally {
        if (Files.exists(Path.of("/run/netns").resolve(name))) {
          Ip.tryRun(null, "netns", "delete", name);
        }
      }
    }
  }
}
