package dev.sixkit.internal.docker;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * HTTP/1.1 GET over a unix socket or plain TCP, just enough for the Engine API's reads: one connection per
 * request ({@code Connection: close}), bodies by Content-Length, chunked or to end of stream, and
 * streaming bodies delivered line by line (the event stream). Deadlines through a selector, so no
 * watchdog thread is needed. The lean read path's transport: the JDK only, no HTTP library.
 *
 * <p>Immutable; thread-safe (every request has its own connection).
 */
public final class EngineHttp {
  /** Status line and headers longer than this are not an HTTP answer we want. */
  static final int MAX_HEAD = HttpHead.MAX_HEAD;
  /** A whole body or one streamed line larger than this is refused rather than buffered. */
  static final int MAX_BODY = 64 * 1024 * 1024;

  private final SocketAddress address;

  /** An Engine at a unix socket ({@link UnixDomainSocketAddress}) or a plain TCP address. */
  public EngineHttp(SocketAddress address) {
    this.address = address;
  }

  public EngineHttp(Path socket) {
    this(UnixDomainSocketAddress.of(socket));
  }

  public SocketAddress address() {
    return address;
  }

  /** An answer: the status code and the body as text. Immutable; thread-safe. */
  public record Response(int status, String body) {}

  /** Sends GET {@code target} (path and query) and reads the whole answer within the timeout. */
  public Response get(String target, Duration timeout) throws IOException {
    try (HttpExchange x = HttpExchange.open(address, System.nanoTime() + timeout.toNanos())) {
      x.send(request(target));
      HttpHead h = x.readHead();
      return new Response(h.status(), new String(x.readBody(h), StandardCharsets.UTF_8));
    }
  }

  /**
   * An open streaming answer; {@link #close} ends it from any thread. Thread-safe.
   */
  public interface Stream extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Sends GET {@code target}, waits for the answer's head within {@code headTimeout}, then reads
   * the body on a new daemon thread, handing each line to {@code onLine} and finally calling
   * {@code onEnd} with null when closed by the caller, or the failure (EOF included) otherwise.
   *
   * @return the open stream, once the head said 200; any other status is an {@link HttpStatusException}
   */
  public Stream stream(String target, Duration headTimeout, String threadName, Consumer<String> onLine,
      Consumer<IOException> onEnd) throws IOException {
    HttpExchange x = HttpExchange.open(address, System.nanoTime() + headTimeout.toNanos());
    try {
      x.send(request(target));
      HttpHead h = x.readHead();
      if (h.status() != 200) {
        throw new HttpStatusException(h.status(), new String(x.readBody(h), StandardCharsets.UTF_8));
      }
      x.deadline = 0; // the stream may stay silent for as long as nothing happens
      Thread t = new Thread(() -> {
        IOException end = null;
        try {
          x.readLines(h, onLine);
          end = new EOFException("the Engine ended the stream");
        } catch (IOException e) {
          end = e;
        } catch (java.nio.channels.ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
          end = new AsynchronousCloseException(); // closed while waiting: the caller's close
        } finally {
          x.close();
          onEnd.accept(x.closedByCaller ? null : end);
        }
      }, threadName);
      t.setDaemon(true);
      t.start();
      return () -> {
        x.closedByCaller = true;
        x.close();
      };
    } catch (IOException | RuntimeException e) {
      x.close();
      throw e;
    }
  }

  /** A status other than 200 where a stream was asked for. Immutable; thread-safe. */
  public static final class HttpStatusException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String body;

    HttpStatusException(int status, String body) {
      super("HTTP " + status + ": " + body.trim());
      this.status = status;
      this.body = body;
    }

    public int status() {
      return status;
    }

    public String body() {
      return body;
    }
  }

  static byte[] request(String target) {
    if (target.isEmpty() || target.charAt(0) != '/' || target.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException("not a request target: " + target);
    }
    return ("GET " + target + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: sixkit\r\nAccept: application/json\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
