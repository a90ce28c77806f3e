package dev.sixkit.host;

import dev.sixkit.docker.Docker;

/**
 * What a command run inside a container ({@link Docker#exec}) printed and how it ended.
 *
 * <p>Immutable; thread-safe.
 */
public record ExecResult(int exitCode, String stdout, String stderr) {

  public ExecResult {
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
  }

  /** Whether the command exited with status 0. */
  public boolean ok() {
    return exitCode == 0;
  }
}
