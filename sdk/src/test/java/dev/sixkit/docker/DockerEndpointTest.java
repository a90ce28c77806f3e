package dev.sixkit.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** An endpoint where no Docker Engine answers gives an UNREACHABLE error naming the endpoint. */
class DockerEndpointTest {

  private static void assertUnreachable(String endpoint, String named) {
    DockerException e = assertThrows(DockerException.class, () -> Docker.connect(endpoint).close());
    assertEquals(DockerException.Reason.UNREACHABLE, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(named), "message should name " + named + ": " + e.getMessage());
    assertTrue(e.endpoint().contains(named), e.endpoint());
  }

  @Test
  void missingSocket() {
    assertUnreachable("unix:///run/sixkit-test-no-such-dir/docker.sock", "/run/sixkit-test-no-such-dir/docker.sock");
  }

  @Test
  void bareSocketPath() {
    assertUnreachable("/run/sixkit-test-no-such-dir/d.sock", "unix:///run/sixkit-test-no-such-dir/d.sock");
  }

  @Test
  void socketPathThatIsNotASocket() throws Exception {
    Path f = Files.createTempFile("sixkit-not-a-socket", ".sock");
    try {
      assertUnreachable("unix://" + f, f.toString());
    } finally {
      Files.deleteIfExists(f);
    }
  }

  @Test
  void tcpPortWithNobodyListening() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertUnreachable("tcp://127.0.0.1:" + port, "tcp://127.0.0.1:" + port);
  }

  @Test
  void tcpServerThatIsNotDocker() throws Exception {
    // Something listens but answers no HTTP at all: unreachable after the negotiation timeout
    // (10 s), and named; without that timeout this would hang.
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (var c = s.accept()) {
          c.getOutputStream().write("hello\r\n".getBytes());
        } catch (Exception ignored) {
          // the test is over
        }
      });
      t.setDaemon(true);
      t.start();
      assertUnreachable("tcp://127.0.0.1:" + s.getLocalPort(), "127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void httpServerThatIsNotDocker() throws Exception {
    // An HTTP server whose /version says nothing of an API version.
    try (ServerSocket s = new ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        while (!s.isClosed()) {
          try (var c = s.accept()) {
            c.getInputStream().read(new byte[4096]);
            c.getOutputStream().write(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                    .getBytes());
          } catch (Exception ignored) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
      DockerException e = assertThrows(DockerException.class,
          () -> Docker.connect("tcp://127.0.0.1:" + s.getLocalPort()).close());
      assertEquals(DockerException.Reason.UNREACHABLE, e.reason());
      assertTrue(e.getMessage().contains("does not look like a Docker Engine"), e.getMessage());
      assertTrue(e.getMessage().contains("tcp://127.0.0.1:" + s.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void unsupportedScheme() {
    assertUnreachable("ssh://docker1", "ssh://docker1");
  }

  @Test
  void emptyEndpoint() {
    assertThrows(DockerException.class, () -> Docker.connect(""));
  }
}
