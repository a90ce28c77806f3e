package dev.sixkit.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program running on a real pseudo-terminal inside a private tmux server (its own socket, so
 * other tmux users are not touched): type into it, press keys, read the screen. Closing it kills
 * the server and the program.
 */
final class Tmux implements AutoCloseable {
  private final String socket;
  private final String session = "main";

  Tmux(List<String> command, int width, int height) {
    this.socket = "sxt-tmux-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    List<String> cmd = new ArrayList<>(List.of("new-session", "-d", "-s", session, "-x", Integer.toString(width), "-y",
        Integer.toString(height)));
    cmd.add(String.join(" ", command.stream().map(Tmux::quote).toList()));
    try {
      // The pane stays when the program ends, so its last words can be read.
      this.config = Files.createTempFile("sxt-tmux-", ".conf");
      Files.writeString(config, "set -g remain-on-exit on\nset -g history-limit 5000\n");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    tmux(cmd.toArray(String[]::new));
  }

  private final Path config;

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private String tmux(String... args) {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket, "-f", config.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("tmux timed out: " + cmd);
      }
      if (p.exitValue() != 0 && !args[0].equals("has-session") && !args[0].equals("kill-server")) {
        throw new AssertionError("tmux " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run tmux (apt-get install tmux): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Types text as is (no key names). */
  void type(String text) {
    tmux("send-keys", "-t", session, "-l", text);
  }

  /** Presses keys by tmux name: Enter, Tab, Up, C-d, C-c, C-u... */
  void key(String... keys) {
    List<String> a = new ArrayList<>(List.of("send-keys", "-t", session));
    a.addAll(List.of(keys));
    tmux(a.toArray(String[]::new));
  }

  /** Types a line and presses Enter. */
  void line(String text) {
    type(text);
    key("Enter");
  }

  /** The screen as text, wrapped lines joined. */
  String screen() {
    return tmux("capture-pane", "-p", "-J", "-t", session);
  }

  /** Whether the program still runs. */
  boolean alive() {
    return tmux("display-message", "-p", "-t", session, "#{pane_dead}").strip().equals("0");
  }

  /** Waits until the screen satisfies the condition; returns that screen. */
  String await(String what, Predicate<String> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String s = "";
    while (System.nanoTime() < deadline) {
      s = screen();
      if (condition.test(s)) {
        return s;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what + "; the screen:\n" + s);
  }

  String awaitText(String text) {
    return await("'" + text + "'", s -> s.contains(text), Duration.ofSeconds(30));
  }

  /** The last non-blank line of the screen (where the cursor's line usually is). */
  String lastLine() {
    List<String> lines = screen().lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  @Override
  public void close() {
    try {
      tmux("kill-server");
    } finally {
      try {
        Files.deleteIfExists(config);
        // tmux leaves its socket file behind when the server is killed
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Files.deleteIfExists(Path.of(System.getenv().getOrDefault("TMUX_TMPDIR", "/tmp"), "tmux-" + uid, socket));
      } catch (IOException | UnsupportedOperationException e) {
        // temp files only
      }
    }
  }
}
