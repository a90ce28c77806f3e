package dev.sixkit.internal.ssh;

import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.internal.docker.HttpHead;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.channel.ChannelPipedInputStream;

/**
 * HTTP/1.1 GETs to a unix socket on the SSH host (the Docker Engine's), pipelined on one {@code
 * direct-streamlocal} channel: every request is written at once and the answers are read in
 * order, so a batch of reads costs one round trip and one channel, with no local socket, thread
 * or HTTP library in between. The last request asks the server to close the connection.
 *
 * <p>Bodies by Content-Length or chunked (the Engine's two framings). Paths are built by the
 * caller from fixed text and checked ids only.
 *
 * <p>Stateless; thread-safe (each call opens its own channel).
 */
public final class RemoteHttp {
  /** An answer larger than this is refused rather than buffered. */
  static final int MAX_BODY = 64 * 1024 * 1024;
  private static final int MAX_HEAD = HttpHead.MAX_HEAD;

  private RemoteHttp() {}

  /** One answer: the status and the body as text. Immutable. */
  public record Answer(int status, String body) {}

  /**
   * Sends GET for each target (path and query, such as {@code /v1.41/containers/json?all=1}) on
   * one channel to {@code socketPath}, and returns the answers in order.
   *
   * @throws SshException COMMAND_FAILED when the server does not open the socket (named), TIMEOUT
   *     when the answers do not all come within {@code timeout}, CONNECTION_LOST when the stream
   *     ends early or is not HTTP
   */
  public static List<Answer> getAll(SshConnection ssh, String socketPath, List<String> targets, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    StreamLocalChannel ch = ssh.openStreamLocal(socketPath, timeout);
    try {
      StringBuilder req = new StringBuilder();
      for (int i = 0; i < targets.size(); i++) {
        req.append("GET ").append(targets.get(i)).append(" HTTP/1.1\r\nHost: docker\r\nUser-Agent: sixkit\r\n")
            .append("Accept: application/json\r\n").append(i == targets.size() - 1 ? "Connection: close\r\n" : "")
            .append("\r\n");
      }
      OutputStream out = ch.getInvertedIn();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Reader in = new Reader(ch.getInvertedOut(), deadline);
      List<Answer> answers = new ArrayList<>(targets.size());
      for (int i = 0; i < targets.size(); i++) {
        answers.add(in.answer());
      }
      return answers;
    } catch (SocketTimeoutException e) {
      throw new SshException(Reason.TIMEOUT, ssh.target().toString(), "read", socketPath + " on " + ssh.target(),
          "no whole answer within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new SshException(Reason.CONNECTION_LOST, ssh.target().toString(), "read", socketPath + " on "
          + ssh.target(), e.getMessage() == null ? e.toString() : e.getMessage(), e);
    } finally {
      ch.close(true);
    }
  }

  /** Reads answers off the channel's stream, each read bounded by the deadline. Not thread-safe. */
  static final class Reader {
    private final InputStream in;
    private final long deadline;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int len;

    Reader(InputStream in, long deadline) {
      this.in = in;
      this.deadline = deadline;
    }

    Answer answer() throws IOException {
      HttpHead head = HttpHead.read(this::line);
      int code = head.status();
      long length = head.contentLength();
      boolean chunked = head.chunked();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        while (true) {
          long n = HttpHead.chunkSize(requireLine(), MAX_BODY);
          if (n == 0) {
            while (!requireLine().isEmpty()) {
              // trailers: not used
            }
            break;
          }
          exactly(n, body);
          requireLine(); // the CRLF after the chunk
        }
      } else if (length >= 0) {
        exactly(length, body);
      } else if (code != 204 && code != 304) {
        // Neither framing: the body runs to the end of the stream.
        do {
          take(len - pos, body);
        } while (fill());
      }
      return new Answer(code, body.toString(StandardCharsets.UTF_8));
    }

    private void exactly(long n, ByteArrayOutputStream out) throws IOException {
      if (n + out.size() > MAX_BODY) {
        throw new IOException("answer larger than " + MAX_BODY + " bytes");
      }
      long left = n;
      while (left > 0) {
        if (pos == len && !fill()) {
          throw new EOFException("the socket closed in the middle of an answer");
        }
        int k = (int) Math.min(left, len - pos);
        take(k, out);
        left -= k;
      }
    }

    private void take(int n, ByteArrayOutputStream out) {
      out.write(buf, pos, n);
      pos += n;
    }

    private String requireLine() throws IOException {
      return HttpHead.requireLine(this::line);
    }

    /** One CRLF (or LF) terminated line without its end; null at the end of the stream. */
    private String line() throws IOException {
      ByteArrayOutputStream l = new ByteArrayOutputStream();
      while (true) {
        if (pos == len && !fill()) {
          return l.size() == 0 ? null : l.toString(StandardCharsets.ISO_8859_1);
        }
        byte b = buf[pos++];
        if (b == '\n') {
          String s = l.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        l.write(b);
        if (l.size() > MAX_HEAD) {
          throw new IOException("HTTP line longer than " + MAX_HEAD + " bytes");
        }
      }
    }

    /** Reads more; false at the end of the stream. */
    private boolean fill() throws IOException {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("deadline passed");
      }
      if (in instanceof ChannelPipedInputStream pipe) {
        pipe.setTimeout(Math.max(1, left / 1_000_000));
      }
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        return false;
      }
      pos = 0;
      len = n;
      return true;
    }
  }
}
