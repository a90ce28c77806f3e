package dev.sixkit.internal.docker;

import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;

/**
 * The head of an HTTP/1.x answer as the Engine sends it, read by both of Sixkit's Engine clients
 * (the local socket's {@link HttpExchange} and the SSH channel's {@code RemoteHttp}), each with its
 * own buffering behind {@link Lines}.
 *
 * @param status the status code of the final answer (interim 1xx answers are skipped)
 * @param contentLength the Content-Length, or -1 when chunked or not given
 * @param chunked whether the body comes in chunks
 *
 * <p>Immutable record; thread-safe.
 */
public record HttpHead(int status, long contentLength, boolean chunked) {
  /** A head (or one line of the chunk framing) longer than this is refused. */
  public static final int MAX_HEAD = 64 * 1024;

  /** The lines of a stream, without their CRLF or LF; null at its end. */
  @FunctionalInterface
  public interface Lines {
    /**
     * The next line.
     *
     * @return the line without its end, or null at the end of the stream
     * @throws IOException when the stream fails or the line is longer than {@link #MAX_HEAD}
     */
    String next() throws IOException;
  }

  /**
   * Reads a head: the status line, then header lines up to the empty one.
   *
   * @param lines the stream's lines
   * @return the head of the final (non-1xx) answer
   * @throws IOException when the stream ends first (EOFException) or does not speak HTTP/1.x
   */
  public static HttpHead read(Lines lines) throws IOException {
    String status = lines.next();
    if (status == null) {
      throw new EOFException("the connection closed before an HTTP answer");
    }
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer: " + clip(status));
    }
    int code;
    try {
      code = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status line: " + clip(status));
    }
    long length = -1;
    boolean chunked = false;
    int headBytes = status.length();
    for (String h; !(h = requireLine(lines)).isEmpty();) {
      headBytes += h.length();
      if (headBytes > MAX_HEAD) {
        throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
      }
      int colon = h.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        try {
          length = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length: " + clip(value));
        }
      } else if (name.equals("transfer-encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      }
    }
    if (code >= 100 && code < 200) {
      return read(lines); // an interim answer; the real one follows
    }
    return new HttpHead(code, chunked ? -1 : length, chunked);
  }

  /**
   * The size of the chunk a chunk-size line announces (extensions after ';' ignored).
   *
   * @param line the line, without its end
   * @param max the largest size accepted
   * @return the size in bytes; 0 for the last chunk
   * @throws IOException when the line is not a size in hex or the size is above {@code max}
   */
  public static long chunkSize(String line, long max) throws IOException {
    int semi = line.indexOf(';');
    long n;
    try {
      n = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size: " + clip(line));
    }
    if (n < 0 || n > max) {
      throw new IOException("bad chunk size: " + clip(line));
    }
    return n;
  }

  /**
   * The next line, which must be there.
   *
   * @param lines the stream's lines
   * @return the line
   * @throws IOException EOFException when the stream ends in the middle of an answer
   */
  public static String requireLine(Lines lines) throws IOException {
    String l = lines.next();
    if (l == null) {
      throw new EOFException("the connection closed in the middle of an HTTP answer");
    }
    return l;
  }

  /**
   * A stream's text, shortened for an error message.
   *
   * @param s the text
   * @return at most 120 characters of it and "..." when cut
   */
  public static String clip(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
