package dev.sixkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What picocli's generated bash completion cannot know: the names on this machine. Adds to
 * {@code AutoComplete.bash}'s script a completion function that, for an option taking a network
 * namespace, a lab, a lab's host or an interface, offers the names that exist when Tab is pressed
 * ({@code ip netns list}, the labs' state folders under /var/lib/sixkit/lab and /run/sixkit/lab,
 * {@code ip link} of the namespace named earlier on the line), and hands every other word to
 * picocli's function. No JVM starts on Tab. zsh runs the same script through bashcompinit.
 *
 * <p>Stateless; thread-safe.
 */
final class NameCompletion {
  /** The picocli script's last line, which registers its function. */
  private static final String PICOCLI_COMPLETE = "complete -F _complete_sixkit -o default sixkit sixkit.sh sixkit.bash";

  private NameCompletion() {}

  /** The kind of name an option of a command takes, or null for anything else. */
  static String kindOf(String commandPath, OptionSpec option, CommandLine.Model.CommandSpec command) {
    if (option.arity().max() == 0) {
      return null;
    }
    List<String> names = List.of(option.names());
    if (names.contains("--netns") || names.contains("--peer")) {
      return "netns"; // --peer is NETNS[=ENDPOINT]
    }
    if (names.contains("--lab")) {
      return "lab";
    }
    if (names.contains("--name") && (commandPath.startsWith("lab ") || commandPath.equals("demo"))) {
      return "lab";
    }
    if (names.contains("--host") && command.findOption("--lab") != null) {
      return "labhost";
    }
    if (names.contains("--dev") || names.contains("--uplink")) {
      return "ifname";
    }
    return null;
  }

  /** picocli's script with the name completion added and registered in place of picocli's function. */
  static String bash(String picocliScript, CommandLine root) {
    Map<String, List<String>> byKind = new TreeMap<>();
    List<String> paths = new ArrayList<>();
    collect(root, "", byKind, paths);
    StringBuilder sb = new StringBuilder();
    String script = picocliScript;
    int at = script.lastIndexOf(PICOCLI_COMPLETE);
    if (at < 0) {
      throw new IllegalStateException("picocli's completion script changed: no '" + PICOCLI_COMPLETE + "'");
    }
    sb.append(script, 0, at);
    StringBuilder cases = new StringBuilder();
    for (Map.Entry<String, List<String>> e : byKind.entrySet()) {
      cases.append(cases.length() == 0 ? "" : "\n    ").append(String.join("|", e.getValue())).append(") kind=")
          .append(e.getKey()).append(" ;;");
    }
    sb.append("""
        # Names (added by sixkit to picocli's script): namespaces, labs, lab hosts and interfaces as
        # they exist when Tab is pressed, read without starting a JVM.
        function _sixkit_netns_names() {
          ip netns list 2>/dev/null | cut -d' ' -f1
        }

        # Labs: the folders of the labs' state (what `sixkit lab list` reads), lab names only.
        function _sixkit_lab_names() {
          local d
          for d in /var/lib/sixkit/lab/* /run/sixkit/lab/*; do
            [ -d "$d" ] && [[ "${d##*/}" =~ ^[a-z][a-z0-9]{0,9}$ ]] && printf '%s\\n' "${d##*/}"
          done | sort -u
        }

        # The hosts of lab $1 (docker1, ...).
        function _sixkit_lab_host_names() {
          [[ "$1" =~ ^[a-z][a-z0-9]{0,9}$ ]] || return 0
          local d
          for d in "/var/lib/sixkit/lab/$1"/* "/run/sixkit/lab/$1"/*; do
            [ -d "$d" ] && [[ "${d##*/}" =~ ^[a-z][a-z0-9]{0,9}$ ]] && printf '%s\\n' "${d##*/}"
          done | sort -u
        }

        # The interfaces of namespace $1 (this one when empty).
        function _sixkit_ifnames() {
          if [ -n "$1" ]; then
            ip -n "$1" -o link show 2>/dev/null
          else
            ip -o link show 2>/dev/null
          fi | cut -d' ' -f2 | sed 's/:$//; s/@.*//'
        }

        # The value of option $1 given earlier on the line (--opt VALUE or --opt=VALUE), or nothing.
        function _sixkit_option_value() {
          local i
          for ((i = 1; i < COMP_CWORD; i++)); do
            if [ "${COMP_WORDS[i]}" = "$1" ]; then
              if [ "${COMP_WORDS[i+1]}" = "=" ]; then
                [ $((i + 2)) -lt "$COMP_CWORD" ] && printf '%s' "${COMP_WORDS[i+2]}"
              elif [ $((i + 1)) -lt "$COMP_CWORD" ]; then
                printf '%s' "${COMP_WORDS[i+1]}"
              fi
              return 0
            fi
          done
        }

        function _sixkit_complete() {
          local cur=${COMP_WORDS[COMP_CWORD]}
          local prev=${COMP_WORDS[COMP_CWORD-1]}
          if [ "$cur" = "=" ]; then
            cur=""
          elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
            prev=${COMP_WORDS[COMP_CWORD-2]}
          fi
          # The command the line is in: the longest run of command names after "sixkit".
          local paths='|@PATHS@|'
          local path="" w i
          for ((i = 1; i < COMP_CWORD; i++)); do
            w=${COMP_WORDS[i]}
            if [[ "$paths" == *"|${path:+$path }$w|"* ]]; then
              path="${path:+$path }$w"
            fi
          done
          local kind=""
          case "$path|$prev" in
            @CASES@
          esac
          if [ -z "$kind" ]; then
            _complete_sixkit "$@"
            return $?
          fi
          type compopt &>/dev/null && compopt +o default 2>/dev/null
          local names ns lab host
          case "$kind" in
            netns) names=$(_sixkit_netns_names) ;;
            lab) names=$(_sixkit_lab_names) ;;
            labhost) names=$(_sixkit_lab_host_names "$(_sixkit_option_value --lab)") ;;
            ifname)
              # the namespace named earlier: --netns, or a lab host's (--lab L --host H: L-H)
              ns=$(_sixkit_option_value --netns)
              lab=$(_sixkit_option_value --lab)
              host=$(_sixkit_option_value --host)
              if [ -z "$ns" ] && [ -n "$lab" ] && [ -n "$host" ]; then
                ns="$lab-$host"
              fi
              names=$(_sixkit_ifnames "$ns")
              ;;
          esac
          local IFS=$'\\n'
          COMPREPLY=( $(compgen -W "$names" -- "$cur") )
        }

        complete -F _sixkit_complete -o default sixkit sixkit.sh sixkit.bash
        """.replace("@PATHS@", String.join("|", paths)).replace("@CASES@", cases));
    sb.append(script.substring(at + PICOCLI_COMPLETE.length()));
    return sb.toString();
  }

  /** Every command path (aliases too) and, per kind of name, the "path|--option" patterns taking it. */
  private static void collect(CommandLine cmd, String path, Map<String, List<String>> byKind, List<String> paths) {
    if (!path.isEmpty()) {
      paths.add(path);
      for (OptionSpec o : cmd.getCommandSpec().options()) {
        String kind = kindOf(path, o, cmd.getCommandSpec());
        if (kind != null) {
          for (String n : o.names()) {
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add("'" + path + "|" + n + "'");
          }
        }
      }
    }
    for (Map.Entry<String, CommandLine> e : cmd.getSubcommands().entrySet()) {
      collect(e.getValue(), path.isEmpty() ? e.getKey() : path + " " + e.getKey(), byKind, paths);
    }
  }
}
