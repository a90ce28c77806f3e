package dev.sixkit.dsl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An inventory file ({@code inventory 'hosts.txt'}): the hosts of a setup, one per line, in a
 * plain format written by hand.
 *
 * <pre>
 * # NAME    TARGET                KEY=VALUE ...            ('#' starts a comment)
 * *         -                     uplink=eth0 identity=/root/.ssh/id_ed25519   (defaults for the lines below)
 * docker1   root@docker1          docker=/var/run/docker.sock
 * docker2   root@[fd00::2]:2222   uplink=ens3 prefix=2001:db8:cd12::/64 web=web2,api2
 * </pre>
 *
 * <p>A line is a host name, its SSH target ({@code [user@]host[:port]}, an IPv6 literal in
 * brackets) and options: {@code uplink}, {@code address}, {@code docker} (the remote Docker
 * socket), {@code prefix}, {@code web} (comma-separated) as in a host block, and {@code identity},
 * {@code knownHosts}, {@code port}, {@code trustOnFirstUse=yes} as in an ssh block. A line named
 * {@code *} (target {@code -}) gives defaults for the lines after it. The whole file is checked
 * before any host is added: a bad line fails with a {@link DslException} naming the file and the
 * line, and the setup is not made.
 *
 * <p>Stateless; thread-safe.
 */
public final class Inventory {
  static final Set<String> KEYS = Set.of("uplink", "address", "docker", "prefix", "web", "identity", "knownHosts",
      "port", "trustOnFirstUse");

  /**
   * One host line: its name, target, options (defaults merged in) and line number. Immutable.
   *
   * @param name the host's name
   * @param target its SSH target, {@code [user@]host[:port]}
   * @param options the line's options, the defaults merged in
   * @param number the line's number in the file, from 1
   */
  public record Line(String name, String target, Map<String, String> options, int number) {
    /**
     * Copies the options.
     *
     * @param name as {@link #name()}
     * @param target as {@link #target()}
     * @param options as {@link #options()}
     * @param number as {@link #number()}
     */
    public Line {
      options = Map.copyOf(options);
    }
  }

  private Inventory() {}

  /**
   * Reads and checks a whole file.
   *
   * @param file the inventory file
   * @return the host lines, in file order
   * @throws DslException naming the file and line of the first bad line, or when the file cannot be read
   */
  public static List<Line> read(Path file) {
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DslException("inventory: cannot read " + file + ": " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /**
   * Checks the lines of a file named {@code fileName}.
   *
   * @param fileName the file's name, for messages
   * @param text the file's lines
   * @return the host lines, in file order
   * @throws DslException naming the file and line of the first bad line
   */
  public static List<Line> parse(String fileName, List<String> text) {
    List<Line> out = new ArrayList<>();
    Map<String, String> defaults = new LinkedHashMap<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < text.size(); i++) {
      int n = i + 1;
      String l = text.get(i);
      int hash = l.indexOf('#');
      if (hash >= 0) {
        l = l.substring(0, hash);
      }
      l = l.strip();
      if (l.isEmpty()) {
        continue;
      }
      String[] w = l.split("\\s+");
      if (w.length < 2) {
        throw new DslException(fileName, n, "inventory: a line is NAME TARGET [KEY=VALUE ...]; this one has no target: '"
            + l + "'", null);
      }
      Map<String, String> opts = new LinkedHashMap<>(defaults);
      for (int k = 2; k < w.length; k++) {
        int eq = w[k].indexOf('=');
        if (eq <= 0 || eq == w[k].length() - 1) {
          throw new DslException(fileName, n, "inventory: '" + w[k] + "' is not KEY=VALUE (keys: " + keys() + ")", null);
        }
        String key = w[k].substring(0, eq);
        if (!KEYS.contains(key)) {
          String close = Words.closest(key, List.copyOf(KEYS));
          throw new DslException(fileName, n, "inventory: unknown key '" + key + "'" + (close == null ? ""
              : "; did you mean " + close + "?") + " (keys: " + keys() + ")", null);
        }
        opts.put(key, w[k].substring(eq + 1));
      }
      if (w[0].equals("*")) {
        if (!w[1].equals("-")) {
          throw new DslException(fileName, n, "inventory: a defaults line is '* - KEY=VALUE ...' (no target)", null);
        }
        defaults = opts;
        continue;
      }
      Integer first = seen.putIfAbsent(w[0], n);
      if (first != null) {
        throw new DslException(fileName, n, "inventory: host " + w[0] + " is listed twice (first on line " + first + ")",
            null);
      }
      out.add(new Line(w[0], w[1], opts, n));
    }
    return out;
  }

  private static String keys() {
    return String.join(", ", new java.util.TreeSet<>(KEYS));
  }

  /** Fills a host block from a line; a bad value fails naming the file and line. */
  static void fill(String fileName, Line line, HostSpec h) {
    try {
      Map<String, String> o = line.options();
      h.ssh(line.target(), s -> {
        if (o.containsKey("identity")) {
          s.identity(o.get("identity"));
        }
        if (o.containsKey("knownHosts")) {
          s.knownHosts(o.get("knownHosts"));
        }
        if (o.containsKey("port")) {
          s.port(number(o.get("port")));
        }
        if (o.containsKey("trustOnFirstUse")) {
          String v = o.get("trustOnFirstUse");
          if (!v.equals("yes") && !v.equals("no")) {
            throw new DslException("trustOnFirstUse is yes or no, not '" + v + "'");
          }
          if (v.equals("yes")) {
            s.trustOnFirstUse();
          }
        }
      });
      if (o.containsKey("uplink")) {
        h.uplink(o.get("uplink"));
      }
      if (o.containsKey("address")) {
        h.address(o.get("address"));
      }
      if (o.containsKey("docker")) {
        h.docker(o.get("docker").startsWith("/") ? "unix://" + o.get("docker") : o.get("docker"));
      }
      if (o.containsKey("prefix")) {
        h.prefix(o.get("prefix"));
      }
      if (o.containsKey("web")) {
        h.web(o.get("web").split(","));
      }
      h.requireComplete();
    } catch (DslException e) {
      throw new DslException(fileName, line.number(), "inventory: " + e.detail(), null);
    }
  }

  private static int number(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new DslException("port is a number, not '" + v + "'");
    }
  }
}
