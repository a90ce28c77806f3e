package dev.sixkit.internal.ssh;

import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.channel.ChannelExec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived remote shell on an SSH connection, fed commands on its standard input: the
 * login shell (and root's ~/.bashrc) starts once per connection instead of once per command.
 *
 * <p>The shell is {@code /bin/sh} with a clean environment ({@code env -i}, {@code LC_ALL=C}, so
 * iproute2's messages are the English ones {@code IpErrors} reads). Each command is sent as
 *
 * <pre>
 * { COMMAND
 * } &lt;&lt;'TOKEN_IN'      (or &lt;/dev/null when it reads nothing)
 * DATA LINES
 * TOKEN_IN
 * printf '\nTOKEN %d %d\n' SEQ $?; printf '\nTOKEN %d\n' SEQ &gt;&amp;2
 * </pre>
 *
 * where TOKEN is 128 random bits drawn for this shell: the output of a command cannot end a
 * frame early unless it contains the token, which nothing on the remote host knows. The data a
 * command reads travels in a quoted here-document (no expansion, never parsed as a command), and
 * is refused when a line of it equals the delimiter. Standard output and standard error stay
 * separate (the exec channel carries both), each framed by its own marker.
 *
 * <p>{@link #runAll} writes several commands at once and then collects their answers: one round
 * trip for all of them.
 *
 * <p>Thread-safe: commands are serialised (one shell answers one at a time).
 */
public final class RemoteShell implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteShell.class);
  /** The only command line this class sends to the login shell. */
  static final String START = "exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
      + " LC_ALL=C /bin/sh";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One command: a fixed line, and the bytes it reads on standard input (null for none). */
  public record Command(String line, byte[] stdin) {
    public Command(String line) {
      this(line, null);
    }
  }

  private final SshConnection ssh;
  private final AtomicLong starts = new AtomicLong();
  // volatile: alive() looks without waiting for a command under way
  private volatile ChannelExec channel;
  private volatile Sink out;
  private Sink err;
  private OutputStream in;
  private String token;
  private long seq;
  private volatile boolean closed;

  public RemoteShell(SshConnection ssh) {
    this.ssh = ssh;
  }

  /**
   * Whether the shell runs now: started, its channel open and its output not ended. Does not
   * wait for a command under way, starts nothing and sends nothing.
   *
   * @return false before the first start, after the shell or its connection ended, and after close
   */
  public boolean alive() {
    ChannelExec ch = channel;
    Sink o = out;
    return !closed && ch != null && ch.isOpen() && !ch.isClosing() && o != null && !o.ended();
  }

  /** How many times a shell was started (1 unless the connection or the shell was lost). */
  public long starts() {
    return starts.get();
  }

  /**
   * Starts the shell now, without waiting for its start-up files: the host's login shell reads
   * them (root's ~/.bashrc) while the caller does other work, and the first command finds the
   * shell ready or queues behind them.
   */
  public synchronized void start(Duration timeout) {
    if (closed) {
      throw new SshException(Reason.CLOSED, ssh.target().toString(), "use", ssh.target().toString(),
          "the host was closed", null);
    }
    ensureStarted(timeout);
  }

  /** Runs one command and waits for its answer. */
  public SshConnection.Result run(String line, byte[] stdin, Duration timeout) {
    return runAll(List.of(new Command(line, stdin)), timeout).get(0);
  }

  /**
   * Sends every command at once, then reads the answers in order (one round trip). Each command
   * runs whatever the status of the ones before it.
   *
   * @throws SshException TIMEOUT when the answers do not all arrive within {@code timeout} (the
   *     shell and the connection are closed, the next command connects again); CONNECTION_LOST
   *     when the shell or the connection ended under the commands
   */
  public synchronized List<SshConnection.Result> runAll(List<Command> commands, Duration timeout) {
    if (closed) {
      throw new SshException(Reason.CLOSED, ssh.target().toString(), "use", ssh.target().toString(),
          "the host was closed", null);
    }
    ensureStarted(timeout);
    long first = seq + 1;
    StringBuilder script = new StringBuilder();
    for (Command c : commands) {
      script.append(frame(c, ++seq));
    }
    String what = commands.size() == 1 ? "'" + commands.get(0).line() + "'" : commands.size() + " commands";
    ssh.countCommands(commands.size());
    try {
      in.write(script.toString().getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      drop();
      throw lost(what, e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<SshConnection.Result> results = new ArrayList<>(commands.size());
    for (long n = first; n <= seq; n++) {
      String head = "\n" + token + " " + n + " ";
      byte[] stdout = out.take(head, deadline);
      byte[] stderr = err.take("\n" + token + " " + n + "\n", deadline);
      if (stdout == null || stderr == null) {
        if (Thread.currentThread().isInterrupted()) {
          drop();
          throw new SshException(Reason.CONNECTION_LOST, ssh.target().toString(), "run", what + " on " + ssh.target(),
              "interrupted before the answer came (the command may have run; the shell was closed)", null);
        }
        boolean ended = out.ended() || err.ended();
        drop();
        if (ended) {
          throw lost(what, null);
        }
        ssh.disconnect(); // a connection that stopped answering is not used again
        throw new SshException(Reason.TIMEOUT, ssh.target().toString(), "run", what + " on " + ssh.target(),
            "no answer within " + timeout.toMillis() + " ms (the remote command may still be running; the"
                + " connection was closed)", null);
      }
      int exit = out.takeStatus();
      results.add(new SshConnection.Result(exit, new String(stdout, StandardCharsets.UTF_8),
          new String(stderr, StandardCharsets.UTF_8)));
    }
    return results;
  }

  private String frame(Command c, long n) {
    StringBuilder sb = new StringBuilder("{ ").append(c.line()).append("\n}");
    if (c.stdin() == null || c.stdin().length == 0) {
      sb.append(" </dev/null\n");
    } else {
      String data = new String(c.stdin(), StandardCharsets.UTF_8);
      String end = token + "_IN";
      for (String l : data.split("\n", -1)) {
        if (l.equals(end)) {
          throw new SshException(Reason.INVALID_INPUT, ssh.target().toString(), "send", "input of '" + c.line() + "'",
              "a line of the input equals the frame's delimiter; nothing was sent", null);
        }
      }
      sb.append(" <<'").append(end).append("'\n").append(data);
      if (!data.endsWith("\n")) {
        sb.append('\n');
      }
      sb.append(end).append('\n');
    }
    sb.append("printf '\\n%s %d %d\\n' ").append(token).append(' ').append(n).append(" $?; printf '\\n%s %d\\n' ")
        .append(token).append(' ').append(n).append(" >&2\n");
    return sb.toString();
  }

  private void ensureStarted(Duration timeout) {
    if (channel != null && channel.isOpen() && !channel.isClosing() && !out.ended() && ssh.isConnected()) {
      return;
    }
    drop();
    long t0 = System.nanoTime();
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    token = "SX" + HexFormat.of().formatHex(bits);
    seq = 0;
    out = new Sink();
    err = new Sink();
    channel = ssh.openChannel(START, out, err, timeout);
    channel.addChannelListener(new org.apache.sshd.common.channel.ChannelListener() {
      @Override
      public void channelClosed(org.apache.sshd.common.channel.Channel ch, Throwable reason) {
        out.end();
        err.end();
      }
    });
    in = channel.getInvertedIn();
    starts.incrementAndGet();
    LOG.debug("remote shell started on {} in {} ms", ssh.target(), (System.nanoTime() - t0) / 1_000_000);
  }

  /** Forgets the shell (closing its channel); the next command starts another. */
  private void drop() {
    if (channel != null) {
      channel.close(true);
    }
    channel = null;
    in = null;
  }

  private SshException lost(String what, Throwable cause) {
    return new SshException(Reason.CONNECTION_LOST, ssh.target().toString(), "run", what + " on " + ssh.target(),
        "the connection was lost before the command ended", cause);
  }

  @Override
  public synchronized void close() {
    closed = true;
    drop();
  }

  /**
   * What one stream of the shell has sent so far; MINA's threads append, the caller takes frames.
   * Thread-safe (its own monitor).
   */
  static final class Sink extends OutputStream {
    private byte[] buf = new byte[8192];
    private int len;
    private int scanned;
    private boolean ended;
    private int status;

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int n) {
      if (len + n > buf.length) {
        byte[] bigger = new byte[Math.max(buf.length * 2, len + n)];
        System.arraycopy(buf, 0, bigger, 0, len);
        buf = bigger;
      }
      System.arraycopy(b, off, buf, len, n);
      len += n;
      notifyAll();
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    synchronized boolean ended() {
      return ended;
    }

    /**
     * Waits for {@code marker}; returns what came before it and drops both. A stdout marker is
     * followed by the exit status and a newline, kept for {@link #takeStatus}. Null when the
     * deadline passed or the stream ended first.
     */
    synchronized byte[] take(String marker, long deadline) {
      byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
      boolean withStatus = !marker.endsWith("\n");
      while (true) {
        int at = indexOf(m, Math.max(0, scanned - m.length));
        if (at >= 0) {
          int end = at + m.length;
          if (withStatus) {
            int nl = -1;
            for (int i = end; i < len; i++) {
              if (buf[i] == '\n') {
                nl = i;
                break;
              }
            }
            if (nl >= 0) {
              status = Integer.parseInt(new String(buf, end, nl - end, StandardCharsets.US_ASCII).trim());
              end = nl + 1;
            } else {
              at = -1;
            }
          }
          if (at >= 0) {
            byte[] before = new byte[at];
            System.arraycopy(buf, 0, before, 0, at);
            System.arraycopy(buf, end, buf, 0, len - end);
            len -= end;
            scanned = 0;
            return before;
          }
        } else {
          scanned = len;
        }
        long left = deadline - System.nanoTime();
        if (ended || left <= 0) {
          return null;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }

    synchronized int takeStatus() {
      return status;
    }

    private int indexOf(byte[] m, int from) {
      outer:
      for (int i = from; i <= len - m.length; i++) {
        for (int j = 0; j < m.length; j++) {
          if (buf[i + j] != m[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
