package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.Docker;
import dev.sixkit.internal.docker.Tar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The lab's web server image, built offline (no registry is reachable): a root filesystem holding
 * a static busybox with its applet links and a /www folder, tarred in memory and imported through
 * the Engine API with {@code CMD ["httpd","-f","-p","80","-h","/www"]}.
 *
 * <p>Each lab container serves its own page: {@link #command(String)} writes the text to
 * /www/index.html, then execs httpd.
 *
 * <p>Immutable; thread-safe.
 */
public final class WebImage {
  /** The tag the lab uses. */
  public static final String REFERENCE = "sixkit/web:1";
  /** Where Debian's busybox-static puts its binary. */
  public static final Path BUSYBOX = Path.of("/bin/busybox");
  /** The applets linked in /bin: a shell, the web server, and the network tools the recipes use. */
  public static final List<String> APPLETS = List.of("sh", "ash", "httpd", "ip", "ping", "ping6", "wget", "ifconfig",
      "route", "netstat", "nc", "cat", "echo", "ls", "sleep", "hostname", "ps", "printf", "true", "false", "env", "id",
      "mkdir", "rm", "sed", "grep", "head", "tail", "kill", "uname", "traceroute", "traceroute6", "nslookup", "arp");
  /** The command the image runs by default (serving /www on port 80 in the foreground). */
  public static final List<String> HTTPD = List.of("httpd", "-f", "-p", "80", "-h", "/www");

  private final Path busybox;
  private final String defaultPage;

  private WebImage(Path busybox, String defaultPage) {
    this.busybox = busybox;
    this.defaultPage = defaultPage;
  }

  /**
   * The image from /bin/busybox, serving "Sixkit web server" unless told otherwise.
   *
   * @return the image description; nothing is read until {@link #rootfsTar()}
   */
  public static WebImage standard() {
    return new WebImage(BUSYBOX, "Sixkit web server");
  }

  /**
   * The image from another static busybox binary.
   *
   * @param busybox a statically linked busybox executable
   * @return the image description; nothing is read until {@link #rootfsTar()}
   * @throws NullPointerException if {@code busybox} is null
   */
  public static WebImage from(Path busybox) {
    return new WebImage(Objects.requireNonNull(busybox, "busybox"), "Sixkit web server");
  }

  /**
   * The root filesystem as a tar archive: /bin with busybox and its {@link #APPLETS}, /www with
   * the default page, /tmp, /etc/passwd and /etc/group.
   *
   * @return the uncompressed tar, a few MB
   * @throws SixkitException when busybox is missing or is not statically linked (an empty
   *     rootfs has no libc for it); install Debian's busybox-static
   */
  public byte[] rootfsTar() {
    byte[] bin;
    try {
      bin = Files.readAllBytes(busybox);
    } catch (IOException e) {
      throw new SixkitException("build web image", busybox.toString(),
          "cannot read busybox (apt-get install busybox-static): " + e.getMessage(), e);
    }
    if (!isStaticElf(bin)) {
      throw new SixkitException("build web image", busybox.toString(),
          "not a statically linked ELF executable (apt-get install busybox-static)");
    }
    Tar t = new Tar().directory("bin", 0755).file("bin/busybox", 0755, bin);
    for (String applet : APPLETS) {
      t.symlink("bin/" + applet, "busybox");
    }
    t.directory("www", 0755).file("www/index.html", 0644, (defaultPage + "\n").getBytes(StandardCharsets.UTF_8));
    t.directory("tmp", 01777).directory("etc", 0755)
        .file("etc/passwd", 0644, "root:x:0:0:root:/:/bin/sh\n".getBytes(StandardCharsets.UTF_8))
        .file("etc/group", 0644, "root:x:0:\n".getBytes(StandardCharsets.UTF_8));
    return t.finish();
  }

  /** An ELF executable with no PT_INTERP program header (no dynamic loader). */
  static boolean isStaticElf(byte[] b) {
    if (b.length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F' || b[4] != 2 || b[5] != 1) {
      return false; // only 64-bit little-endian is checked; that is every machine this runs on
    }
    long phoff = le(b, 32, 8);
    int phentsize = (int) le(b, 54, 2);
    int phnum = (int) le(b, 56, 2);
    for (int i = 0; i < phnum; i++) {
      long off = phoff + (long) i * phentsize;
      if (phoff < 0 || off < 0 || off + 4 > b.length) {
        return false;
      }
      if (le(b, (int) off, 4) == 3) { // PT_INTERP
        return false;
      }
    }
    return true;
  }

  private static long le(byte[] b, int off, int len) {
    long v = 0;
    for (int i = len - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  /**
   * Imports the image into a daemon as {@value #REFERENCE}.
   *
   * @param docker the daemon
   * @return the image id (sha256:...)
   * @throws SixkitException when busybox is unusable (see {@link #rootfsTar()})
   * @throws dev.sixkit.docker.DockerException when the Engine refuses the import
   */
  public String importInto(Docker docker) {
    return importInto(docker, REFERENCE);
  }

  /**
   * Imports the image into a daemon under a reference of your choice.
   *
   * @param docker the daemon
   * @param reference repository[:tag]
   * @return the image id (sha256:...)
   * @throws SixkitException when busybox is unusable (see {@link #rootfsTar()})
   * @throws dev.sixkit.docker.DockerException when the Engine refuses the import
   */
  public String importInto(Docker docker, String reference) {
    String cmd = "CMD [" + String.join(",", HTTPD.stream().map(a -> "\"" + a + "\"").toList()) + "]";
    return docker.importImage(reference, new ByteArrayInputStream(rootfsTar()), List.of(cmd, "WORKDIR /www"));
  }

  /**
   * The container command serving a page with this text: it writes /www/index.html, then execs
   * httpd in the foreground ({@code sh -c 'printf "%s\n" TEXT > /www/index.html; exec httpd ...'}).
   *
   * @param pageText the page's text, any characters (quoted for the shell here)
   * @return the command, for {@link dev.sixkit.docker.ContainerDraft#command(List)}
   */
  public static List<String> command(String pageText) {
    String quoted = "'" + pageText.replace("'", "'\\''") + "'";
    return List.of("sh", "-c", "printf '%s\\n' " + quoted + " > /www/index.html; exec " + String.join(" ", HTTPD));
  }
}
