package dev.sixkit.internal.docker;

import static dev.sixkit.internal.docker.EngineHttp.MAX_BODY;
import static dev.sixkit.internal.docker.EngineHttp.MAX_HEAD;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One {@link EngineHttp} connection: a non-blocking channel, its selector, and a read buffer (flip
 * mode), with the HTTP/1.1 answer framing (head, Content-Length, chunked, to end of stream, lines).
 *
 * <p>Not thread-safe, except {@link #close} and the volatile {@code deadline}/{@code closedByCaller}
 * flags, which another thread may use to end a streaming read.
 */
final class HttpExchange implements AutoCloseable {
  /** Status and the two headers that decide how the body is framed. */

  private final SocketChannel ch;
  private final Selector sel;
  private ByteBuffer in = ByteBuffer.allocate(16 * 1024).flip();
  /** System.nanoTime() by which the exchange must be done; 0: no deadline. */
  volatile long deadline;
  volatile boolean closedByCaller;
  private volatile boolean closed;

  private final SelectionKey key;

  private HttpExchange(SocketChannel ch, Selector sel, long deadline) throws IOException {
    this.ch = ch;
    this.sel = sel;
    this.deadline = deadline;
    this.key = ch.register(sel, SelectionKey.OP_READ);
  }

  static HttpExchange open(SocketAddress address, long deadline) throws IOException {
    SocketChannel ch = address instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX)
        : SocketChannel.open();
    HttpExchange x = null;
    try {
      ch.configureBlocking(false);
      boolean connected = ch.connect(address); // a unix socket connects (or fails) at once; TCP may take a while
      x = new HttpExchange(ch, Selector.open(), deadline);
      if (!connected) {
        x.key.interestOps(SelectionKey.OP_CONNECT);
        while (!ch.finishConnect()) {
          x.await();
        }
        x.key.interestOps(SelectionKey.OP_READ);
      }
      return x;
    } catch (IOException | RuntimeException e) {
      if (x != null) {
        x.close();
      } else {
        ch.close();
      }
      throw e;
    }
  }

  void send(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    key.interestOps(SelectionKey.OP_WRITE);
    try {
      while (b.hasRemaining()) {
        if (ch.write(b) == 0) {
          await();
        }
      }
    } finally {
      key.interestOps(SelectionKey.OP_READ);
    }
  }

  HttpHead readHead() throws IOException {
    return HttpHead.read(() -> line(MAX_HEAD));
  }

  byte[] readBody(HttpHead h) throws IOException {
    Bytes out = new Bytes();
    if (h.chunked()) {
      chunks(out::add);
    } else if (h.contentLength() >= 0) {
      if (h.contentLength() > MAX_BODY) {
        throw new IOException("answer of " + h.contentLength() + " bytes is larger than " + MAX_BODY);
      }
      exactly(h.contentLength(), out::add);
    } else {
      toEnd(out::add);
    }
    return out.toArray();
  }

  /** Delivers the body line by line (LF-terminated; a trailing CR dropped) until it ends. */
  void readLines(HttpHead h, Consumer<String> onLine) throws IOException {
    Lines lines = new Lines(onLine);
    if (h.chunked()) {
      chunks(lines::add);
    } else if (h.contentLength() >= 0) {
      exactly(h.contentLength(), lines::add);
    } else {
      toEnd(lines::add);
    }
    lines.finish();
  }

  /** Reads chunks until the last one and its trailers. */
  private void chunks(Sink sink) throws IOException {
    while (true) {
      long n = HttpHead.chunkSize(requireLine(), MAX_BODY);
      if (n == 0) {
        while (!requireLine().isEmpty()) {
          // trailers: none wanted
        }
        return;
      }
      exactly(n, sink);
      if (!requireLine().isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  private void exactly(long n, Sink sink) throws IOException {
    long left = n;
    while (left > 0) {
      if (!in.hasRemaining() && !fill()) {
        throw new EOFException("the connection closed " + left + " bytes before the end of the answer");
      }
      int take = (int) Math.min(left, in.remaining());
      sink.add(in.array(), in.arrayOffset() + in.position(), take);
      in.position(in.position() + take);
      left -= take;
    }
  }

  private void toEnd(Sink sink) throws IOException {
    while (true) {
      if (in.hasRemaining()) {
        sink.add(in.array(), in.arrayOffset() + in.position(), in.remaining());
        in.position(in.limit());
      }
      if (!fill()) {
        return;
      }
    }
  }

  private String requireLine() throws IOException {
    return HttpHead.requireLine(() -> line(MAX_HEAD));
  }

  /** One CRLF- (or LF-) terminated line of the head or chunk framing, or null at a clean EOF. */
  private String line(int max) throws IOException {
    int scanned = 0;
    while (true) {
      for (int i = in.position() + scanned; i < in.limit(); i++) {
        if (in.get(i) == '\n') {
          int end = i > in.position() && in.get(i - 1) == '\r' ? i - 1 : i;
          String l = new String(in.array(), in.arrayOffset() + in.position(), end - in.position(),
              StandardCharsets.ISO_8859_1);
          in.position(i + 1);
          return l;
        }
      }
      scanned = in.remaining();
      if (scanned > max) {
        throw new IOException("HTTP line longer than " + max + " bytes");
      }
      if (!fill()) {
        if (in.hasRemaining()) {
          throw new EOFException("the connection closed in the middle of a line");
        }
        return null;
      }
    }
  }

  /** Reads more into the buffer (growing it when full); false at end of stream. */
  private boolean fill() throws IOException {
    in.compact();
    try {
      if (!in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      while (true) {
        if (closed) {
          throw new AsynchronousCloseException();
        }
        int n = ch.read(in);
        if (n > 0) {
          return true;
        }
        if (n < 0) {
          return false;
        }
        await();
      }
    } finally {
      in.flip();
    }
  }

  /** Waits until the channel is ready for what its key asks, or the deadline passes. */
  private void await() throws IOException {
    long d = deadline;
    long timeoutMs = 0; // 0: wait forever
    if (d != 0) {
      long leftNs = d - System.nanoTime();
      if (leftNs <= 0) {
        throw new SocketTimeoutException("the Engine did not answer in time");
      }
      timeoutMs = Math.max(1, leftNs / 1_000_000);
    }
    try {
      sel.select(timeoutMs);
      sel.selectedKeys().clear();
    } catch (java.nio.channels.ClosedSelectorException e) {
      throw new AsynchronousCloseException();
    }
    if (closed) {
      throw new AsynchronousCloseException();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      sel.wakeup();
      ch.close();
      sel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private interface Sink {
    void add(byte[] b, int off, int len) throws IOException;
  }

  /** A growable byte array with a size cap. */
  private static final class Bytes {
    private byte[] buf = new byte[8 * 1024];
    private int size;

    void add(byte[] b, int off, int len) throws IOException {
      if (size + (long) len > MAX_BODY) {
        throw new IOException("answer larger than " + MAX_BODY + " bytes");
      }
      if (size + len > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
      }
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    byte[] toArray() {
      return java.util.Arrays.copyOf(buf, size);
    }

    void clear() {
      size = 0;
      if (buf.length > 64 * 1024) {
        buf = new byte[8 * 1024]; // one huge line must not pin memory for the stream's life
      }
    }

    int size() {
      return size;
    }

    byte[] raw() {
      return buf;
    }
  }

  /** Splits a byte stream into UTF-8 lines. */
  private static final class Lines {
    private final Consumer<String> onLine;
    private final Bytes pending = new Bytes();

    Lines(Consumer<String> onLine) {
      this.onLine = onLine;
    }

    void add(byte[] b, int off, int len) throws IOException {
      int start = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          pending.add(b, start, i - start);
          emit();
          start = i + 1;
        }
      }
      pending.add(b, start, off + len - start);
    }

    void finish() {
      if (pending.size() > 0) {
        emit();
      }
    }

    private void emit() {
      int n = pending.size();
      if (n > 0 && pending.raw()[n - 1] == '\r') {
        n--;
      }
      String line = new String(pending.raw(), 0, n, StandardCharsets.UTF_8);
      pending.clear();
      if (!line.isEmpty()) {
        onLine.accept(line);
      }
    }
  }
}
