package dev.sixkit.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the lab's daemon logs for error messages. Stateless; thread-safe. */
final class LogFiles {
  private LogFiles() {}

  /**
   * The first line of the log that says what went wrong ("unknown flag: --x"; dockerd 28 prints
   * its whole usage after it, so the log's tail alone would not show it), as "; LINE", or "".
   */
  static String firstError(Path log) {
    for (String line : tail(log, 400).split("\n")) {
      if (line.matches("(?i).*(unknown (shorthand )?flag|flag provided but not defined|level=(error|fatal)|^error|failed to start).*")) {
        return "; " + line.strip();
      }
    }
    return "";
  }

  static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(no log at " + file + ")";
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - 64 * 1024);
      byte[] b = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(b);
      String[] all = new String(b, StandardCharsets.UTF_8).split("\n");
      int start = Math.max(0, all.length - lines);
      return String.join("\n", java.util.Arrays.copyOfRange(all, start, all.length));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
