package dev.sixkit.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit daemon status|stop}: this user's run daemons (see {@link RunDaemon}); {@code
 * daemon serve} is what {@link RunClient} starts. Each run builds its own command objects; not
 * shared between threads.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
    description = {"The run daemons: background JVMs of this user that run ./sixkit run scripts warm and keep the hosts'"
        + " SSH connections open between runs (one per Sixkit build, JVM, folder and environment; each ends after "
        + "SIXKIT_DAEMON_IDLE seconds unused, default 600).",
        "SIXKIT_DAEMON=0 or run --no-daemon runs in the command's own process instead."},
    subcommands = DaemonCommand.Serve.class)
final class DaemonCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "daemon: say status or stop");
  }

  /** Every daemon socket of this user, with what each said; stale sockets removed. */
  static int ask(PrintWriter out, byte request) throws IOException {
    Path dir = DaemonWire.dir();
    List<Path> sockets;
    try (Stream<Path> s = Files.list(dir)) {
      sockets = s.filter(p -> p.getFileName().toString().endsWith(".sock")).sorted().toList();
    }
    int answered = 0;
    for (Path sock : sockets) {
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(sock));
        DataOutputStream o = new DataOutputStream(new BufferedOutputStream(DaemonWire.output(ch)));
        DaemonWire.write(o, request, new byte[0]);
        DaemonWire.Frame f = DaemonWire.read(new DataInputStream(new BufferedInputStream(DaemonWire.input(ch))));
        if (f != null && f.type() == DaemonWire.TEXT) {
          out.println(new String(f.body(), StandardCharsets.UTF_8).stripTrailing());
          out.flush();
          answered++;
        }
        if (request == DaemonWire.STOP) {
          // Gone when its socket is: after a run under way has reported and its connections closed.
          long until = System.nanoTime() + 70_000_000_000L;
          while (Files.exists(sock) && System.nanoTime() < until) {
            Thread.sleep(20);
          }
        }
      } catch (IOException e) {
        Files.deleteIfExists(sock); // its daemon ended without removing it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (answered == 0) {
      out.println("no run daemon (" + dir + ")");
    }
    out.flush();
    return answered;
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Each run daemon of this user: its socket, runs, idle time and the hosts it keeps open.")
  int status() throws IOException {
    ask(spec.commandLine().getOut(), DaemonWire.STATUS);
    return Main.OK;
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop every run daemon of this user (a run under way is stopped as by Ctrl-C and reports first); "
          + "their SSH connections close.")
  int stop() throws IOException {
    ask(spec.commandLine().getOut(), DaemonWire.STOP);
    return Main.OK;
  }

  @Command(name = "serve", hidden = true, mixinStandardHelpOptions = true,
      description = "Serve runs on a socket (what the launcher starts).")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--socket", required = true, paramLabel = "PATH", description = "The Unix socket to listen on.")
    Path socket;

    @Override
    public Integer call() throws IOException {
      return new RunDaemon(socket, RunDaemon.idleSetting()).serve();
    }
  }
}
