package dev.sixkit.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What the run daemon and its clients say to each other over a Unix socket, and where the socket
 * lives. A frame is a type byte, a length and that many bytes. The client sends {@link #RUN} (then
 * {@link #STDIN} when asked, {@link #CANCEL} on Ctrl-C) or {@link #STATUS} or {@link #STOP}; the
 * daemon answers with {@link #OUT}, {@link #ERR}, {@link #NEED_STDIN} and finally {@link #EXIT},
 * or {@link #BUSY}, or {@link #TEXT}. Stateless; thread-safe (writers lock the stream they write).
 */
final class DaemonWire {
  /** Bumped whenever the frames change; part of the daemon's key, so old daemons are never asked. */
  static final int VERSION = 1;

  static final byte RUN = 'R';
  static final byte STDIN = 'I';
  static final byte CANCEL = 'C';
  static final byte STATUS = 'S';
  static final byte STOP = 'Q';
  static final byte OUT = 'O';
  static final byte ERR = 'E';
  static final byte NEED_STDIN = 'N';
  static final byte EXIT = 'X';
  static final byte BUSY = 'B';
  static final byte TEXT = 'T';

  /** The longest frame either side accepts (a run's arguments; output comes in smaller pieces). */
  private static final int MAX_FRAME = 1 << 20;

  private DaemonWire() {}

  /** One frame read. */
  record Frame(byte type, byte[] body) {}

  static void write(DataOutputStream out, byte type, byte[] body, int off, int len) throws IOException {
    synchronized (out) {
      out.writeByte(type);
      out.writeInt(len);
      out.write(body, off, len);
      out.flush();
    }
  }

  static void write(DataOutputStream out, byte type, byte[] body) throws IOException {
    write(out, type, body, 0, body.length);
  }

  /** The next frame, or null at the end of the stream. */
  static Frame read(DataInputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    int len;
    try {
      len = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (len < 0 || len > MAX_FRAME) {
      throw new IOException("run daemon: bad frame length " + len);
    }
    byte[] body = new byte[len];
    in.readFully(body);
    return new Frame((byte) type, body);
  }

  /**
   * The channel's input as a stream. Not {@code Channels.newInputStream}: its streams take the
   * channel's blocking lock, so a read waiting for the peer would hold up every write.
   */
  static InputStream input(SocketChannel ch) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return len == 0 ? 0 : ch.read(ByteBuffer.wrap(b, off, len));
      }
    };
  }

  /** The channel's output as a stream (see {@link #input}). */
  static OutputStream output(SocketChannel ch) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    };
  }

  /** Every class path entry with its size and time: a new build or install changes it. */
  static String classPathStamp() {
    StringBuilder sb = new StringBuilder();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      sb.append(e);
      try {
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(Path.of(e),
            java.nio.file.attribute.BasicFileAttributes.class);
        sb.append(':').append(a.size()).append(':').append(a.lastModifiedTime().toMillis());
      } catch (IOException | RuntimeException missing) {
        sb.append(":-");
      }
      sb.append('\0');
    }
    return sb.toString();
  }

  static byte[] intBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static int intOf(byte[] b) {
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  /**
   * The folder of this user's daemons (created 0700, and refused when someone else owns it):
   * SIXKIT_DAEMON_DIR, else $XDG_RUNTIME_DIR/sixkit, else /run/sixkit/daemon for root, else
   * /tmp/sixkit-daemon-UID.
   */
  static Path dir() throws IOException {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    String given = System.getenv("SIXKIT_DAEMON_DIR");
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    Path d;
    if (given != null && !given.isEmpty()) {
      d = Path.of(given);
    } else if (xdg != null && !xdg.isEmpty() && Files.isDirectory(Path.of(xdg))) {
      d = Path.of(xdg, "sixkit");
    } else if (uid == 0) {
      d = Path.of("/run/sixkit/daemon");
    } else {
      d = Path.of(System.getProperty("java.io.tmpdir"), "sixkit-daemon-" + uid);
    }
    if (!Files.isDirectory(d)) {
      Files.createDirectories(d);
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
    }
    int owner = (Integer) Files.getAttribute(d, "unix:uid");
    if (owner != uid) {
      throw new IOException("run daemon folder " + d + " belongs to uid " + owner + ", not to this user (" + uid + ")");
    }
    if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(d)).endsWith("------")) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
    }
    return d;
  }
}
