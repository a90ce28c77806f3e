package dev.sixkit.internal.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a ustar archive in memory: directories, regular files and symbolic links, owned by root,
 * enough for a tiny image rootfs. Not thread-safe.
 */
public final class Tar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private static final long MTIME = 1_700_000_000L; // fixed: the same rootfs gives the same bytes

  public Tar directory(String path, int mode) {
    header(path.endsWith("/") ? path : path + "/", mode, 0, '5', "");
    return this;
  }

  public Tar file(String path, int mode, byte[] content) {
    header(path, mode, content.length, '0', "");
    out.writeBytes(content);
    pad(content.length);
    return this;
  }

  public Tar symlink(String path, String target) {
    header(path, 0777, 0, '2', target);
    return this;
  }

  /** Ends the archive (two zero blocks) and returns its bytes. */
  public byte[] finish() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private void header(String path, int mode, long size, char type, String link) {
    byte[] h = new byte[512];
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    if (name.length > 100) {
      throw new IllegalArgumentException("tar path longer than 100 bytes: " + path);
    }
    System.arraycopy(name, 0, h, 0, name.length);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, MTIME);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    h[156] = (byte) type;
    byte[] l = link.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(l, 0, h, 157, Math.min(100, l.length));
    byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    byte[] root = "root".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(root, 0, h, 265, root.length);
    System.arraycopy(root, 0, h, 297, root.length);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    h[155] = ' ';
    out.writeBytes(h);
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    if (s.length() > len - 1) {
      throw new IllegalArgumentException("value too large for tar header: " + v);
    }
    s = "0".repeat(len - 1 - s.length()) + s;
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
    h[off + len - 1] = 0;
  }

  private void pad(long size) {
    int rest = (int) (size % 512);
    if (rest != 0) {
      out.writeBytes(new byte[512 - rest]);
    }
  }
}
