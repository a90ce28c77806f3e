package dev.sixkit.internal.os;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * GET /_ping over a unix socket, with a deadline: cheap enough to poll while dockerd starts,
 * without a Docker client. Stateless; thread-safe.
 */
public final class Ping {
  private Ping() {}

  /** Whether an Engine answers 200 OK on /_ping at the socket within the timeout. */
  public static boolean ok(Path socket, Duration timeout) {
    if (!Files.exists(socket)) {
      return false;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer req = ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      while (req.hasRemaining()) {
        ch.write(req);
      }
      ch.configureBlocking(false);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try (Selector sel = Selector.open()) {
        ch.register(sel, SelectionKey.OP_READ);
        ByteBuffer buf = ByteBuffer.allocate(1024);
        while (true) {
          long left = (deadline - System.nanoTime()) / 1_000_000;
          if (left <= 0) {
            return false;
          }
          sel.select(left);
          sel.selectedKeys().clear();
          buf.clear();
          int n = ch.read(buf);
          if (n < 0) {
            break;
          }
          got.write(buf.array(), 0, n);
        }
      }
      String s = got.toString(StandardCharsets.US_ASCII);
      return s.startsWith("HTTP/1.") && s.split("\r\n", 2)[0].contains(" 200") && s.trim().endsWith("OK");
    } catch (IOException e) {
      return false;
    }
  }
}
