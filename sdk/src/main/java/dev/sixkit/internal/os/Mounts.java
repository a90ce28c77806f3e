package dev.sixkit.internal.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads this process's mount table and unmounts lazily. Stateless; thread-safe. */
public final class Mounts {
  private Mounts() {}

  /** Mount points at or under any of the roots, deepest first. */
  public static List<Path> under(List<Path> roots) {
    List<Path> out = new ArrayList<>();
    for (Path mp : all()) {
      for (Path root : roots) {
        if (mp.startsWith(root)) {
          out.add(mp);
          break;
        }
      }
    }
    out.sort(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Comparator.reverseOrder()));
    return out;
  }

  /** Every mount point in /proc/self/mountinfo (octal escapes decoded). */
  public static List<Path> all() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
    }
    List<Path> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f.length > 4) {
        out.add(Path.of(unescape(f[4])));
      }
    }
    return out;
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\\' && i + 3 < b.length) {
        out.write(Integer.parseInt(new String(b, i + 1, 3, StandardCharsets.US_ASCII), 8));
        i += 3;
      } else {
        out.write(b[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** umount -l (MNT_DETACH): the mount leaves the tree now, the kernel frees it when unused. */
  public static void unmountLazily(Path mountPoint) throws IOException {
    Process p = new ProcessBuilder("umount", "-l", mountPoint.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("umount -l " + mountPoint + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted unmounting " + mountPoint, e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("umount -l " + mountPoint + " failed: " + out);
    }
  }
}
