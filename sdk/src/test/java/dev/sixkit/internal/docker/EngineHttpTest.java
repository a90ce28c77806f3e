package dev.sixkit.internal.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 framing of the lean read path, over a real unix socket (and TCP) whose far end writes canned
 * answers in small pieces (so every boundary falls inside a read). The Engine itself is the
 * witness in EngineReaderIT; this covers the framings it may choose and the broken ones.
 */
class EngineHttpTest {
  private Path dir;
  private Path sock;
  private ServerSocketChannel server;
  private final AtomicReference<String> request = new AtomicReference<>();

  @BeforeEach
  void listen() throws IOException {
    dir = Files.createTempDirectory("sx-http");
    sock = dir.resolve("s.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(sock));
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    Files.deleteIfExists(sock);
    Files.deleteIfExists(dir);
  }

  /** Answers the next connection with these bytes, written 3 at a time, then closes (unless keepOpen). */
  private Thread answer(String raw, boolean keepOpen, CountDownLatch release) {
    Thread t = new Thread(() -> {
      try (SocketChannel c = server.accept()) {
        ByteBuffer in = ByteBuffer.allocate(4096);
        StringBuilder req = new StringBuilder();
        while (!req.toString().contains("\r\n\r\n") && c.read(in) > 0) {
          req.append(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
          in.clear();
        }
        request.set(req.toString());
        byte[] b = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += 3) {
          c.write(ByteBuffer.wrap(b, i, Math.min(3, b.length - i)));
          Thread.sleep(1);
        }
        if (keepOpen) {
          release.await(10, TimeUnit.SECONDS);
        }
      } catch (IOException | InterruptedException e) {
        // the test decides what it expected
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  private EngineHttp.Response get(String raw) throws IOException {
    answer(raw, false, null);
    return new EngineHttp(sock).get("/v1.41/containers/json?all=1", Duration.ofSeconds(5));
  }

  @Test
  void sendsAPlainGetAndReadsContentLength() throws IOException {
    String body = "[1,\"é\"]"; // 8 bytes in UTF-8
    EngineHttp.Response r = get("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
    assertEquals(200, r.status());
    assertEquals(body, r.body());
    assertTrue(request.get().startsWith("GET /v1.41/containers/json?all=1 HTTP/1.1\r\n"), request.get());
    assertTrue(request.get().contains("\r\nConnection: close\r\n"), request.get());
  }

  @Test
  void readsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
    EngineHttp.Response r = get("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\n{\"mes\r\n1a\r\nsage\":\"No such container\"}\r\n0\r\nX-Trailer: y\r\n\r\n");
    assertEquals(404, r.status());
    assertEquals("{\"message\":\"No such container\"}", r.body());
  }

  @Test
  void readsToTheEndWithoutLengthAndSkipsInterimAnswers() throws IOException {
    EngineHttp.Response r = get("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n{\"ApiVersion\":\"1.41\"}");
    assertEquals(200, r.status());
    assertEquals("{\"ApiVersion\":\"1.41\"}", r.body());
  }

  @Test
  void refusesBrokenAnswers() {
    assertTrue(assertThrows(IOException.class, () -> get("SSH-2.0-OpenSSH\r\n\r\n")).getMessage()
        .contains("not an HTTP answer"));
    assertTrue(assertThrows(IOException.class, () -> get("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))
        .getMessage().contains("5 bytes before the end"));
    assertTrue(assertThrows(IOException.class, () -> get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
        .getMessage().contains("bad chunk size"));
    assertThrows(EOFException.class, () -> get(""));
    assertThrows(IllegalArgumentException.class, () -> new EngineHttp(sock).get("no-slash", Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new EngineHttp(sock).get("/a b", Duration.ofSeconds(1)));
  }

  @Test
  void speaksThePlainTcpEndpointsToo() throws Exception {
    try (ServerSocketChannel tcp = ServerSocketChannel.open()) {
      tcp.bind(new java.net.InetSocketAddress("::1", 0));
      Thread t = new Thread(() -> {
        try (SocketChannel c = tcp.accept()) {
          c.read(ByteBuffer.allocate(4096));
          c.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
          // the assertion below says what went wrong
        }
      });
      t.setDaemon(true);
      t.start();
      EngineHttp.Response r = new EngineHttp(tcp.getLocalAddress()).get("/version", Duration.ofSeconds(5));
      assertEquals(200, r.status());
      assertEquals("{}", r.body());
    }
    assertThrows(java.net.ConnectException.class,
        () -> new EngineHttp(new java.net.InetSocketAddress("::1", 1)).get("/version", Duration.ofSeconds(5)));
  }

  @Test
  void aSilentPeerTimesOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf", true, release);
    try {
      long t0 = System.nanoTime();
      assertThrows(SocketTimeoutException.class, () -> new EngineHttp(sock).get("/version", Duration.ofMillis(300)));
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "gave up near the deadline");
    } finally {
      release.countDown();
    }
  }

  @Test
  void streamsLinesAcrossChunkBoundariesAndEndsOnEof() throws Exception {
    String body = "{\"a\":1}\n{\"b\":\r\n2}\n\n{\"c\":3}";
    StringBuilder chunked = new StringBuilder();
    for (int i = 0; i < body.length(); i += 4) { // chunks that cut lines apart
      String part = body.substring(i, Math.min(body.length(), i + 4));
      chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked, false, null);
    List<String> lines = new CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<IOException> cause = new AtomicReference<>();
    new EngineHttp(sock).stream("/events", Duration.ofSeconds(5), "test-stream", lines::add, e -> {
      cause.set(e);
      ended.countDown();
    });
    assertTrue(ended.await(5, TimeUnit.SECONDS));
    assertEquals(List.of("{\"a\":1}", "{\"b\":", "2}", "{\"c\":3}"), lines, "CR dropped, empty lines skipped");
    assertTrue(cause.get() instanceof EOFException, String.valueOf(cause.get()));
  }

  @Test
  void aStreamClosedByTheCallerEndsWithNoCause() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{\"x\":1}\n\r\n", true, release);
    List<String> lines = new CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<IOException> cause = new AtomicReference<>(new IOException("not called"));
    EngineHttp.Stream s = new EngineHttp(sock).stream("/events", Duration.ofSeconds(5), "test-stream", lines::add, e -> {
      cause.set(e);
      ended.countDown();
    });
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (lines.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    s.close();
    assertTrue(ended.await(5, TimeUnit.SECONDS));
    release.countDown();
    assertEquals(List.of("{\"x\":1}"), lines);
    assertNull(cause.get(), "closed by the caller: no cause");
  }

  @Test
  void aStreamRefusedByStatusCarriesTheBody() {
    String body = "{\"message\":\"invalid filter 'x'\"}";
    answer("HTTP/1.1 400 Bad Request\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, false, null);
    EngineHttp.HttpStatusException e = assertThrows(EngineHttp.HttpStatusException.class,
        () -> new EngineHttp(sock).stream("/events", Duration.ofSeconds(5), "t", l -> {}, x -> {}));
    assertEquals(400, e.status());
    assertEquals("invalid filter 'x'", EngineApi.serverMessage(e.body()));
  }
}
