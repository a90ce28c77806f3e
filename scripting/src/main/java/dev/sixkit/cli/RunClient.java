package dev.sixkit.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The launcher's entry point for {@code ./sixkit run}: hands the run to this user's run daemon
 * (starting one when none answers) and relays its output, standard input, Ctrl-C and exit status;
 * anything else, or when the daemon is off or cannot be used, runs {@link Main} in this process.
 *
 * <p>A daemon serves the runs of one class path, JVM, working directory and environment (its key
 * hashes them), so a script sees the same files, variables and Sixkit build as a run in a process
 * of its own; another combination gets another daemon. Only the launcher starts here: {@code java
 * -cp ... dev.sixkit.cli.Main run} (tests, embedding) always runs in its own process.
 *
 * <p>Loads no picocli, Groovy or SSH classes on the way to the daemon, so handing a run over costs
 * one small JVM start. One client per process; not for use from other threads.
 */
public final class RunClient {
  /** Environment variables that change between two shells of the same user without changing a run. */
  private static final Set<String> VOLATILE_ENV = Set.of("_", "OLDPWD", "SHLVL", "PWD", "COLUMNS", "LINES");
  private static final String MAIN = RunClient.class.getName();

  private final String[] args;
  private volatile boolean cancelled;

  private RunClient(String[] args) {
    this.args = args;
  }

  /**
   * Runs the command line through the daemon when it applies, else here.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    Integer code = wanted(args, System.getenv("SIXKIT_DAEMON")) ? new RunClient(args).run() : null;
    if (code == null) {
      Main.main(args);
      return;
    }
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** A {@code run} that may go to the daemon: not turned off, not --no-daemon, --debug (its log level is the daemon's) or help. */
  static boolean wanted(String[] args, String setting) {
    if ("0".equals(setting) || "off".equalsIgnoreCase(setting) || "false".equalsIgnoreCase(setting)) {
      return false;
    }
    String first = null;
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      if (Set.of("--no-daemon", "--debug", "-h", "--help", "-V", "--version").contains(a)) {
        return false;
      }
      if (first == null && !a.startsWith("-")) {
        first = a;
      }
    }
    return "run".equals(first);
  }

  /** The run's exit status, or null to run it in this process instead. */
  private Integer run() {
    List<String> jvm = jvmCommand();
    if (jvm == null) {
      return null;
    }
    Path dir;
    try {
      dir = DaemonWire.dir();
    } catch (IOException | RuntimeException e) {
      System.err.println("sixkit: run daemon unavailable (" + e.getMessage() + "); running here");
      return null;
    }
    String key = key(jvm);
    Path socket = dir.resolve(key + ".sock");
    SocketChannel ch = connect(socket);
    if (ch == null) {
      ch = start(jvm, dir, key, socket);
      if (ch == null) {
        return null;
      }
    }
    try (SocketChannel c = ch) {
      return relay(c, dir.resolve(key + ".log"));
    } catch (IOException e) {
      System.err.println("sixkit: lost the run daemon (" + e.getMessage() + "; its log: " + dir.resolve(key + ".log")
          + ")");
      return Main.FAILURE;
    }
  }

  private Integer relay(SocketChannel ch, Path log) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(DaemonWire.output(ch)));
    DataInputStream in = new DataInputStream(new BufferedInputStream(DaemonWire.input(ch), 1 << 16));
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    DataOutputStream r = new DataOutputStream(req);
    r.writeInt(DaemonWire.VERSION);
    r.writeBoolean(FleetProgress.terminal());
    r.writeInt(args.length);
    for (String a : args) {
      r.writeUTF(a);
    }
    DaemonWire.write(out, DaemonWire.RUN, req.toByteArray());
    Interrupts.install(() -> {
      if (cancelled) {
        // A second Ctrl-C: leave now; the daemon, seeing the client gone, stops the run as for the first.
        Runtime.getRuntime().halt(130);
      }
      cancelled = true;
      try {
        DaemonWire.write(out, DaemonWire.CANCEL, new byte[0]);
      } catch (IOException e) {
        Runtime.getRuntime().halt(130);
      }
    });
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    while (true) {
      DaemonWire.Frame f = DaemonWire.read(in);
      if (f == null) {
        stdout.flush();
        stderr.println("sixkit: the run daemon ended during the run (its log: " + log + ")");
        return Main.FAILURE;
      }
      switch (f.type()) {
        case DaemonWire.OUT -> {
          stdout.write(f.body(), 0, f.body().length);
          stdout.flush();
        }
        case DaemonWire.ERR -> {
          stderr.write(f.body(), 0, f.body().length);
          stderr.flush();
        }
        case DaemonWire.NEED_STDIN -> feedStdin(out, DaemonWire.intOf(f.body()));
        case DaemonWire.EXIT -> {
          int code = DaemonWire.intOf(f.body());
          return cancelled && code != Main.OK ? 130 : code;
        }
        case DaemonWire.BUSY -> {
          stderr.println("sixkit: the run daemon is busy with another run; running in this process");
          return null;
        }
        default -> throw new IOException("unexpected frame " + (char) f.type());
      }
    }
  }

  /** Reads standard input for the daemon on a thread of its own, so output keeps flowing meanwhile. */
  private static void feedStdin(DataOutputStream out, int max) {
    Thread t = new Thread(() -> {
      byte[] b = new byte[Math.max(1, Math.min(max, 1 << 16))];
      try {
        InputStream in = System.in;
        int n = in.read(b);
        DaemonWire.write(out, DaemonWire.STDIN, b, 0, Math.max(n, 0));
      } catch (IOException e) {
        // the daemon is gone; the main loop says so
      }
    }, "sixkit-stdin");
    t.setDaemon(true);
    t.start();
  }

  private static SocketChannel connect(Path socket) {
    if (!Files.exists(socket)) {
      return null;
    }
    try {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(socket));
      return ch;
    } catch (IOException e) {
      return null; // a daemon that ended and left its socket: the new one replaces it
    }
  }

  /** Starts a daemon in a session of its own (Ctrl-C in this terminal does not reach it) and waits for its socket. */
  private static SocketChannel start(List<String> jvm, Path dir, String key, Path socket) {
    List<String> cmd = new ArrayList<>();
    for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(setsid))) {
        cmd.add(setsid);
        break;
      }
    }
    cmd.addAll(jvm);
    // Its own comings and goings in its log; the runs' logging stays as in a process of their own.
    cmd.add("-Dorg.slf4j.simpleLogger.log." + RunDaemon.class.getName() + "=info");
    cmd.addAll(List.of(Main.class.getName(), "daemon", "serve", "--socket", socket.toString()));
    Path log = dir.resolve(key + ".log");
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(new File("/dev/null")).start();
    } catch (IOException e) {
      System.err.println("sixkit: cannot start the run daemon (" + e.getMessage() + "); running here");
      return null;
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      SocketChannel ch = connect(socket);
      if (ch != null) {
        return ch;
      }
      if (!p.isAlive() && !Files.exists(socket)) {
        System.err.println("sixkit: the run daemon did not start (exit " + p.exitValue() + ", its log: " + log
            + "); running here");
        return null;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    System.err.println("sixkit: the run daemon did not answer within 60 s (its log: " + log + "); running here");
    return null;
  }

  /**
   * This JVM's own command line up to the main class (the java binary and its options, class
   * path included), read from /proc; null when this is not the launcher's start.
   */
  static List<String> jvmCommand() {
    try {
      String[] parts = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8)
          .split("\0");
      for (int i = 0; i < parts.length; i++) {
        if (parts[i].equals(MAIN)) {
          return List.of(parts).subList(0, i);
        }
      }
    } catch (IOException e) {
      // not Linux's /proc: no daemon
    }
    return null;
  }

  /**
   * The daemon's key: the wire version, the JVM command (binary and options), every class path
   * entry with its size and time (a new build gets a new daemon), the working directory and the
   * environment.
   */
  static String key(List<String> jvm) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      StringBuilder sb = new StringBuilder().append(DaemonWire.VERSION).append('\0');
      jvm.forEach(a -> sb.append(a).append('\0'));
      sb.append(DaemonWire.classPathStamp());
      sb.append(System.getProperty("user.dir")).append('\0');
      Map<String, String> env = new TreeMap<>(System.getenv());
      env.forEach((k, v) -> {
        if (!VOLATILE_ENV.contains(k)) {
          sb.append(k).append('=').append(v).append('\0');
        }
      });
      return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)), 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ctrl-C, SIGTERM and SIGHUP handlers through jdk.unsupported's signals (no shutdown: the daemon decides). */
  private static final class Interrupts {
    static void install(Runnable onSignal) {
      for (String name : List.of("INT", "TERM", "HUP")) {
        try {
          sun.misc.Signal.handle(new sun.misc.Signal(name), s -> onSignal.run());
        } catch (IllegalArgumentException unavailable) {
          // a signal the JVM keeps for itself: its default stays
        }
      }
    }
  }
}
