package dev.sixkit.lab;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** Plain Engine API calls the SDK has no method for (pause), straight over the daemon's socket. */
final class RawEngineApi {
  private RawEngineApi() {}

  /** POSTs to a path; returns the HTTP status line. */
  static String post(String endpoint, String path) throws IOException {
    String socket = endpoint.replaceFirst("^unix://", "");
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap(("POST " + path + " HTTP/1.0\r\nHost: docker\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer b = ByteBuffer.allocate(4096);
      StringBuilder sb = new StringBuilder();
      while (ch.read(b) > 0) {
        b.flip();
        sb.append(StandardCharsets.UTF_8.decode(b));
        b.clear();
      }
      return sb.toString().lines().findFirst().orElse("");
    }
  }
}
