package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sixkit.netlink.testing.Ip;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The script {@code sixkit completion} prints, sourced by a real bash: {@link #complete} sets
 * COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as bash does on Tab and calls the function the
 * script registered with {@code complete -F}. Deletes its file on close.
 */
final class BashCompletion implements AutoCloseable {
  private final Path script;

  BashCompletion() {
    CliRun r = CliRun.sixkit("completion");
    assertEquals(0, r.exit(), r.err());
    try {
      script = Files.createTempFile("sixkit-completion-", ".bash");
      Files.writeString(script, r.out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What Tab offers for the words (the last is the one being completed, may be ""). */
  List<String> complete(String... words) {
    // The function registered for sixkit is looked up as bash would (complete -p), not named here.
    String driver = """
        source "$1" 2>/dev/null; shift
        fn=$(complete -p sixkit | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        "$fn" sixkit "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
        printf '%s\\n' "${COMPREPLY[@]}"
        """;
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", driver, "bash", script.toString()));
    cmd.addAll(List.of(words));
    Ip.Result r = Ip.exec(cmd);
    assertEquals(0, r.exit(), r.err());
    return r.out().lines().filter(l -> !l.isEmpty()).toList();
  }

  /** The same, as a sorted set. */
  TreeSet<String> names(String... words) {
    return new TreeSet<>(complete(words));
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(script);
  }
}
