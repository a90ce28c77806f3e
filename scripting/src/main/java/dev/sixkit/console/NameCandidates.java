package dev.sixkit.console;

import dev.sixkit.lab.Lab;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.Netns;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.reader.Candidate;

/**
 * Completion inside a string that a word takes as a name: {@code netns '...'} (the namespaces of
 * {@code ip netns}), {@code uplink '...'} (the interfaces of the namespace the same host block
 * names with {@code netns}, else of this one) and {@code lab('...')} (the labs {@code sixkit lab
 * list} knows). A candidate closes the string: {@code netns 'sx<Tab>} gives {@code netns 'sxt-a'}.
 * Names are read from the system on each Tab, nothing is cached.
 *
 * <p>Stateless; thread-safe.
 */
final class NameCandidates {
  /** The word right before the string's opening quote: {@code netns '}, {@code lab('}, {@code uplink ( "}. */
  private static final Pattern WORD_BEFORE = Pattern.compile("(?<![\\w.$])([A-Za-z_]\\w*)\\s*\\(?\\s*$");
  /** A netns given in a host block. */
  private static final Pattern NETNS = Pattern.compile("(?<![\\w.$])netns\\s*\\(?\\s*(['\"])([^'\"\\n]+)\\1");
  /** The opening of a host block. */
  private static final Pattern HOST_BLOCK = Pattern.compile("(?<![\\w.$])host\\s*\\([^)]*\\)\\s*\\{");

  private NameCandidates() {}

  /**
   * The candidates when {@code before} (the buffer up to the cursor) ends inside a string that a
   * name word takes; null when it does not (the caller offers nothing then).
   *
   * @param block the DSL block the string is in ("" at the top)
   */
  static List<Candidate> inString(String before, String block) {
    int quote = openingQuote(before);
    if (quote < 0) {
      return null;
    }
    String prefix = before.substring(quote + 1);
    Matcher m = WORD_BEFORE.matcher(before.substring(0, quote));
    if (!m.find()) {
      return null;
    }
    String close = String.valueOf(before.charAt(quote));
    List<String> names;
    String group;
    switch (m.group(1)) {
      case "netns" -> {
        if (!block.equals("host")) {
          return null;
        }
        names = Netns.list();
        group = "namespaces";
      }
      case "uplink" -> {
        if (!block.equals("host")) {
          return null;
        }
        String netns = netnsOfHostBlock(before.substring(0, quote));
        names = interfaces(netns);
        group = netns == null ? "interfaces" : "interfaces of " + netns;
      }
      case "lab" -> {
        names = Lab.list();
        group = "labs";
      }
      default -> {
        return null;
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (String n : names) {
      if (n.startsWith(prefix)) {
        out.add(new Candidate(n + close, n, group, null, null, null, false));
      }
    }
    return out;
  }

  /**
   * Where the string that {@code before} ends in opens (the index of its quote), for a text the
   * scanner found to end inside a string; -1 for a triple-quoted one (no name is written so).
   */
  static int openingQuote(String before) {
    int quote = Math.max(before.lastIndexOf('\''), before.lastIndexOf('"'));
    if (quote >= 2 && before.startsWith(String.valueOf(before.charAt(quote)).repeat(3), quote - 2)) {
      return -1;
    }
    return quote;
  }

  /** The namespace the innermost host block of the text names with netns, or null. */
  static String netnsOfHostBlock(String text) {
    int start = -1;
    Matcher h = HOST_BLOCK.matcher(text);
    while (h.find()) {
      start = h.end();
    }
    if (start < 0) {
      return null;
    }
    String netns = null;
    Matcher n = NETNS.matcher(text.substring(start));
    while (n.find()) {
      netns = n.group(2);
    }
    return netns;
  }

  /** The interface names of a namespace (this process's when null); none when it cannot be read. */
  static List<String> interfaces(String netns) {
    try {
      if (netns != null && !Netns.exists(netns)) {
        return List.of();
      }
    } catch (RuntimeException e) {
      return List.of(); // not a namespace name at all
    }
    try (Netlink nl = netns == null ? Netlink.open() : Netlink.open(netns)) {
      return nl.links().list().stream().map(Link::name).toList();
    } catch (RuntimeException e) {
      return List.of(); // no permission to enter it, or it went away: nothing to offer
    }
  }
}
