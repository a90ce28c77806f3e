package dev.sixkit.docker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.internal.docker.EngineReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, bad input: a Docker endpoint that accepts and never answers must not hang plan() or the
 * doctor. Real sockets (unix and TCP) served by a thread here that accepts and then, depending on
 * the case, says nothing, answers /version and stalls on everything else, or sends a head and
 * stalls in the body. Both clients (docker-java's facade and the lean reader) must fail with a
 * DockerException naming the endpoint within their deadline.
 */
class StallingEngineTest {
  static final String VERSION = "{\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\",\"Version\":\"20.10.24\"}";
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  enum Mode { SILENT, VERSION_THEN_SILENT, HEAD_THEN_SILENT }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** Serves connections on a channel in the given way until the test ends. */
  private void serve(ServerSocketChannel server, Mode mode) {
    open.add(server);
    Thread t = new Thread(() -> {
      while (server.isOpen()) {
        try {
          SocketChannel c = server.accept();
          open.add(c);
          Thread h = new Thread(() -> answer(c, mode), "stalling-engine-conn");
          h.setDaemon(true);
          h.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "stalling-engine");
    t.setDaemon(true);
    t.start();
  }

  private static void answer(SocketChannel c, Mode mode) {
    try {
      ByteBuffer in = ByteBuffer.allocate(8192);
      StringBuilder req = new StringBuilder();
      while (true) {
        in.clear();
        if (c.read(in) < 0) {
          return;
        }
        req.append(new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
        int end;
        while ((end = req.indexOf("\r\n\r\n")) >= 0) {
          String head = req.substring(0, end);
          req.delete(0, end + 4);
          if (mode == Mode.SILENT) {
            continue;
          }
          if (head.contains("/version") || mode == Mode.HEAD_THEN_SILENT) {
            String body = head.contains("/version") ? VERSION : "";
            int length = head.contains("/version") ? body.length() : 100; // 100 promised, none sent
            String r = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: "
                + length + "\r\n\r\n" + body;
            c.write(ByteBuffer.wrap(r.getBytes(StandardCharsets.ISO_8859_1)));
          }
        }
      }
    } catch (IOException e) {
      // closed by the test
    }
  }

  private String unixEndpoint(Mode mode) throws IOException {
    Path dir = Files.createTempDirectory("sxstall");
    Path sock = dir.resolve("docker.sock");
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(sock));
    serve(s, mode);
    open.add(() -> {
      Files.deleteIfExists(sock);
      Files.deleteIfExists(dir);
    });
    return "unix://" + sock;
  }

  private String tcpEndpoint(Mode mode) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.bind(new InetSocketAddress("127.0.0.1", 0));
    serve(s, mode);
    return "tcp://127.0.0.1:" + ((InetSocketAddress) s.getLocalAddress()).getPort();
  }

  /** The call fails with a DockerException naming the endpoint, within the limit. */
  static void failsWithin(Duration limit, String endpoint, Supplier<?> call) {
    long t0 = System.nanoTime();
    DockerException e = assertThrows(DockerException.class, call::get);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertTrue(took.compareTo(limit) <= 0, "took " + took + " (limit " + limit + "): " + e.getMessage());
    assertTrue(e.getMessage().contains(endpoint.replace("unix://", "")), e.getMessage());
  }

  static final Duration FACADE_LIMIT = Duration.ofSeconds(25);

  @Test
  void aUnixSocketThatAcceptsAndNeverAnswers() throws IOException {
    String ep = unixEndpoint(Mode.SILENT);
    failsWithin(FACADE_LIMIT, ep, () -> Docker.connect(ep));
    failsWithin(Duration.ofSeconds(5), ep, () -> EngineReader.open(ep, Duration.ofSeconds(2)));
  }

  @Test
  void aUnixSocketThatAnswersVersionThenStalls() throws IOException {
    String ep = unixEndpoint(Mode.VERSION_THEN_SILENT);
    try (Docker d = Docker.connect(ep)) {
      failsWithin(FACADE_LIMIT, ep, d::containers);
      failsWithin(FACADE_LIMIT, ep, d::networks);
    }
    try (EngineReader r = EngineReader.open(ep, Duration.ofSeconds(2))) {
      failsWithin(Duration.ofSeconds(5), ep, r::containers);
    }
  }

  @Test
  void aUnixSocketThatSendsAHeadThenStallsInTheBody() throws IOException {
    String ep = unixEndpoint(Mode.HEAD_THEN_SILENT);
    try (Docker d = Docker.connect(ep)) {
      failsWithin(FACADE_LIMIT, ep, d::containers);
    }
    try (EngineReader r = EngineReader.open(ep, Duration.ofSeconds(2))) {
      failsWithin(Duration.ofSeconds(5), ep, r::containers);
    }
  }

  @Test
  void aTcpEndpointThatAcceptsAndNeverAnswers() throws IOException {
    String ep = tcpEndpoint(Mode.SILENT);
    failsWithin(FACADE_LIMIT, ep, () -> Docker.connect(ep));
    failsWithin(Duration.ofSeconds(5), ep, () -> EngineReader.open(ep, Duration.ofSeconds(2)));
  }

  @Test
  void aTcpEndpointThatAnswersVersionThenStalls() throws IOException {
    String ep = tcpEndpoint(Mode.VERSION_THEN_SILENT);
    try (Docker d = Docker.connect(ep)) {
      failsWithin(FACADE_LIMIT, ep, d::containers);
    }
  }
}
