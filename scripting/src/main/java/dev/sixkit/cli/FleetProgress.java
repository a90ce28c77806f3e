package dev.sixkit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each host's status during {@code ./sixkit run}: on a terminal one live line per host, redrawn
 * in place; elsewhere one line per host when it finishes a step of the run (read, apply, undo).
 * At the end, {@link #summary()} counts the hosts by outcome and names the failed ones.
 *
 * <p>Thread-safe: the hosts' threads report concurrently.
 */
final class FleetProgress {
  private final PrintWriter out;
  private final boolean live;
  private final Map<String, String> last = new LinkedHashMap<>();
  /** Each host's last apply or undo outcome (later reads, such as verify's, do not replace it). */
  private final Map<String, String> outcome = new LinkedHashMap<>();
  private int drawn;

  FleetProgress(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live;
  }

  /** Whether this process writes to a terminal that can redraw lines. */
  static boolean terminal() {
    String term = System.getenv("TERM");
    return System.console() != null && term != null && !term.equals("dumb");
  }

  synchronized void update(String host, String status) {
    last.put(host, status);
    if ((status.startsWith("apply ") || status.startsWith("undo ")) && !status.matches("(apply|undo) \\d+/\\d+")) {
      outcome.put(host, status);
    }
    if (live) {
      redraw();
    }
  }

  private void redraw() {
    StringBuilder sb = new StringBuilder();
    if (drawn > 0) {
      sb.append("\033[").append(drawn).append('A'); // back to the first host's line
    }
    int width = last.keySet().stream().mapToInt(String::length).max().orElse(0);
    for (Map.Entry<String, String> e : last.entrySet()) {
      String line = String.format("%-" + width + "s  %s", e.getKey(), e.getValue());
      sb.append('\r').append(line.length() > 150 ? line.substring(0, 150) + "…" : line).append("\033[K\n");
    }
    drawn = last.size();
    out.print(sb);
    out.flush();
  }

  /** Forgets the lines drawn, so the next update draws below what was printed since. */
  synchronized void detach() {
    drawn = 0;
  }

  /** "fleet: 12 hosts: 11 ok, 1 failed (docker7: cannot reach it ...)", or null when no host was changed. */
  synchronized String summary() {
    // Only after changes were made (or tried): a run that only read or was refused has nothing to sum up.
    if (outcome.isEmpty()) {
      return null;
    }
    List<String> failed = new ArrayList<>();
    int ok = 0;
    for (Map.Entry<String, String> e : outcome.entrySet()) {
      String s = e.getValue();
      if (s.contains("FAILED") || s.startsWith("cannot")) {
        failed.add(e.getKey() + ": " + s);
      } else {
        ok++;
      }
    }
    return "fleet: " + outcome.size() + (outcome.size() == 1 ? " host: " : " hosts: ") + ok + " ok"
        + (failed.isEmpty() ? "" : ", " + failed.size() + " failed (" + String.join("; ", failed) + ")");
  }
}
