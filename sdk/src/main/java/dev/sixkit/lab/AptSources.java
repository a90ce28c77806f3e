package dev.sixkit.lab;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine's own apt sources ({@code /etc/apt/sources.list}, {@code sources.list.d/*.list} in
 * one-line form and {@code *.sources} in deb822 form), read to find the Debian mirror the machine
 * already trusts: the engines the lab fetches come from that mirror, so Sixkit never names a host.
 *
 * <p>Immutable after reading; thread-safe.
 */
final class AptSources {
  /** One {@code deb} source: its URI, suites, components and the keyring it is signed by (or empty). */
  record Entry(String uri, List<String> suites, List<String> components, Optional<String> signedBy) {
    Entry {
      suites = List.copyOf(suites);
      components = List.copyOf(components);
    }

    /** A release suite (bookworm, unstable, ...), not -security, -updates or -backports. */
    boolean mainArchive() {
      return suites.stream().anyMatch(s -> !s.contains("-") && !s.contains("/")) && components.contains("main");
    }
  }

  private final List<Entry> entries;

  AptSources(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  List<Entry> entries() {
    return entries;
  }

  /** The machine's sources under /etc/apt. */
  static AptSources system() {
    return read(Path.of("/etc/apt"));
  }

  /** The sources under an apt configuration folder (sources.list and sources.list.d). */
  static AptSources read(Path etcApt) {
    List<Entry> out = new ArrayList<>();
    Path list = etcApt.resolve("sources.list");
    if (Files.isRegularFile(list)) {
      out.addAll(parseList(readQuietly(list)));
    }
    Path dir = etcApt.resolve("sources.list.d");
    if (Files.isDirectory(dir)) {
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        ds.forEach(files::add);
      } catch (IOException e) {
        // unreadable folder: as if empty, the caller says no mirror was found
      }
      files.sort(null);
      for (Path f : files) {
        String n = f.getFileName().toString();
        if (n.endsWith(".list")) {
          out.addAll(parseList(readQuietly(f)));
        } else if (n.endsWith(".sources")) {
          out.addAll(parseDeb822(readQuietly(f)));
        }
      }
    }
    return new AptSources(out);
  }

  private static String readQuietly(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return "";
    }
  }

  /** One-line form: {@code deb [opt=val ...] URI SUITE COMPONENT...}. */
  static List<Entry> parseList(String text) {
    List<Entry> out = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.replaceFirst("#.*", "").trim();
      if (!line.startsWith("deb ") && !line.startsWith("deb\t")) {
        continue; // deb-src and comments
      }
      String rest = line.substring(3).trim();
      Optional<String> signedBy = Optional.empty();
      if (rest.startsWith("[")) {
        int end = rest.indexOf(']');
        if (end < 0) {
          continue;
        }
        for (String opt : rest.substring(1, end).trim().split("\\s+")) {
          int eq = opt.indexOf('=');
          if (eq > 0 && opt.substring(0, eq).equalsIgnoreCase("signed-by")) {
            signedBy = Optional.of(opt.substring(eq + 1));
          }
        }
        rest = rest.substring(end + 1).trim();
      }
      String[] w = rest.split("\\s+");
      if (w.length < 3) {
        continue;
      }
      out.add(new Entry(w[0], List.of(w[1]), List.of(w).subList(2, w.length), signedBy));
    }
    return out;
  }

  /** deb822 form: stanzas of {@code Field: value} separated by blank lines. */
  static List<Entry> parseDeb822(String text) {
    List<Entry> out = new ArrayList<>();
    for (String stanza : text.split("\n\\s*\n")) {
      String types = "";
      String uris = "";
      String suites = "";
      String components = "";
      String signedBy = "";
      boolean enabled = true;
      String last = null;
      for (String raw : stanza.split("\n")) {
        if (raw.startsWith("#")) {
          continue;
        }
        if ((raw.startsWith(" ") || raw.startsWith("\t")) && last != null) {
          if (last.equals("signed-by")) {
            signedBy = signedBy.isEmpty() ? raw.trim() : signedBy; // an inline key: keep only a path
          }
          continue;
        }
        int colon = raw.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        last = raw.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String v = raw.substring(colon + 1).trim();
        switch (last) {
          case "types" -> types = v;
          case "uris" -> uris = v;
          case "suites" -> suites = v;
          case "components" -> components = v;
          case "signed-by" -> signedBy = v;
          case "enabled" -> enabled = !v.equalsIgnoreCase("no");
          default -> { }
        }
      }
      if (!enabled || !List.of(types.split("\\s+")).contains("deb") || uris.isBlank() || suites.isBlank()) {
        continue;
      }
      Optional<String> key = signedBy.startsWith("/") ? Optional.of(signedBy) : Optional.empty();
      for (String uri : uris.split("\\s+")) {
        out.add(new Entry(uri, List.of(suites.split("\\s+")),
            components.isBlank() ? List.of() : List.of(components.split("\\s+")), key));
      }
    }
    return out;
  }

  /**
   * The sources that may be the machine's Debian mirror, most likely first: release suites with a
   * main component, those signed by Debian's archive keyring (or the default keyrings) first.
   */
  List<Entry> mirrorCandidates() {
    List<Entry> first = new ArrayList<>();
    List<Entry> then = new ArrayList<>();
    for (Entry e : entries) {
      if (e.mainArchive()) {
        (e.signedBy().map(k -> k.contains("debian-archive")).orElse(true) ? first : then).add(e);
      }
    }
    first.addAll(then);
    return first;
  }
}
