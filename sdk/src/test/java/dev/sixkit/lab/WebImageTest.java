package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rootfs tar, read back by GNU tar (the witness), and the busybox checks. */
class WebImageTest {

  @Test
  void tarListsBusyboxAppletsAndPage() throws Exception {
    byte[] tar = WebImage.standard().rootfsTar();
    Path f = Files.createTempFile("sixkit-rootfs", ".tar");
    try {
      Files.write(f, tar);
      Process p = new ProcessBuilder("tar", "-tvf", f.toString()).redirectErrorStream(true).start();
      String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), listing);
      assertTrue(listing.contains("bin/busybox"), listing);
      assertTrue(listing.contains("bin/httpd -> busybox"), listing);
      assertTrue(listing.contains("bin/ping6 -> busybox"), listing);
      assertTrue(listing.contains("bin/sh -> busybox"), listing);
      assertTrue(listing.contains("www/index.html"), listing);
      assertTrue(listing.contains("root/root"), listing);
      // the binary is byte for byte /bin/busybox
      Process x = new ProcessBuilder("tar", "-xOf", f.toString(), "bin/busybox").start();
      byte[] bin = x.getInputStream().readAllBytes();
      assertEquals(0, x.waitFor());
      assertTrue(java.util.Arrays.equals(Files.readAllBytes(WebImage.BUSYBOX), bin));
    } finally {
      Files.deleteIfExists(f);
    }
  }

  @Test
  void busyboxMustBeStatic() throws Exception {
    assertTrue(WebImage.isStaticElf(Files.readAllBytes(WebImage.BUSYBOX)), "/bin/busybox should be busybox-static");
    assertFalse(WebImage.isStaticElf(Files.readAllBytes(Path.of("/bin/ls"))));
    SixkitException e = assertThrows(SixkitException.class, () -> WebImage.from(Path.of("/bin/ls")).rootfsTar());
    assertTrue(e.getMessage().contains("busybox-static"), e.getMessage());
    e = assertThrows(SixkitException.class, () -> WebImage.from(Path.of("/nonexistent/busybox")).rootfsTar());
    assertTrue(e.getMessage().contains("/nonexistent/busybox"), e.getMessage());
  }

  @Test
  void commandWritesThePageThenServes() throws Exception {
    List<String> cmd = WebImage.command("Web Server #1");
    assertEquals("sh", cmd.get(0));
    // run the shell part with the host's sh, index.html redirected to a temp folder
    Path dir = Files.createTempDirectory("sixkit-www");
    try {
      String script = cmd.get(2).replace("/www/index.html", dir + "/index.html").replaceAll("; exec .*", "");
      Process p = new ProcessBuilder("sh", "-c", script).start();
      assertEquals(0, p.waitFor());
      assertEquals("Web Server #1\n", Files.readString(dir.resolve("index.html")));
      String tricky = WebImage.command("it's \"$HOME\"").get(2).replace("/www/index.html", dir + "/index.html")
          .replaceAll("; exec .*", "");
      assertEquals(0, new ProcessBuilder("sh", "-c", tricky).start().waitFor());
      assertEquals("it's \"$HOME\"\n", Files.readString(dir.resolve("index.html")));
    } finally {
      Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    }
    assertTrue(cmd.get(2).endsWith("exec httpd -f -p 80 -h /www"), cmd.get(2));
  }

  @Test
  void shimSocketNameMatchesContainerd() {
    // Seen on this machine: containerd 1.6.20 put this shim's socket at /run/containerd/s/b947af5d...
    assertEquals("b947af5d2b8016bc326607983c02847f05394836225ee7e15245ef69313beabb",
        DaemonCleanup.shimSocketName(Path.of("/tmp/sxd-exp1/exec/containerd/containerd.sock"), "moby",
            "3d35638da91ed5765d0524cbd87490815fe33172f973f3b9ab416c2be1ab185a"));
  }

  @Test
  void hostDirNamesAreChecked() {
    HostDirs d = HostDirs.of("demo", "docker1");
    assertEquals(Path.of("/var/lib/sixkit/lab/demo/docker1/data"), d.dataRoot());
    assertEquals(Path.of("/run/sixkit/lab/demo/docker1/exec"), d.execRoot());
    assertEquals("unix:///run/sixkit/lab/demo/docker1/docker.sock", d.endpoint());
    assertEquals("/sixkit-demo-docker1", d.cgroupParent());
    assertThrows(SixkitException.class, () -> HostDirs.of("../etc", "x"));
    assertThrows(SixkitException.class, () -> HostDirs.of("demo", "a/b"));
    assertThrows(SixkitException.class, () -> HostDirs.of("Demo", "x"));
    SixkitException e = assertThrows(SixkitException.class, () -> HostDirs.of("a".repeat(40), "b".repeat(40)));
    assertTrue(e.getMessage().contains("too long"), e.getMessage());
  }
}
