package dev.sixkit.host;

import dev.sixkit.docker.Docker;

/**
 * What a command run inside a container ({@link Docker#exec}) printed and how it ended.
 *
 * <p>Immutable; thread-safe.
 *
 * @param exitCode the command's exit status (0 for success)
 * @param stdout what it printed on standard output, as text; "" when nothing (never null)
 * @param stderr what it printed on standard error; "" when nothing (never null)
 */
public record ExecResult(int exitCode, String stdout, String stderr) {

  /**
   * Null outputs become "".
   *
   * @param exitCode the exit status
   * @param stdout standard output; null means ""
   * @param stderr standard error; null means ""
   */
  public ExecResult {
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
  }

  /**
   * Whether the command exited with status 0.
   *
   * @return true for exit status 0
   */
  public boolean ok() {
    return exitCode == 0;
  }
}
