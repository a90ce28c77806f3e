package dev.sixkit.dsl;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The words of one block of the setup language, read from the {@link Word} annotations of its
 * spec class. Stateless; thread-safe.
 */
public final class Words {
  private Words() {}

  /**
   * A word, how it is written and what it means.
   *
   * @param name the word, as the spec's method is named
   * @param usage how it is written ({@link Word#value()})
   * @param help what it means ({@link Word#help()})
   */
  public record Entry(String name, String usage, String help) {}

  /**
   * The words of a spec class (SetupSpec, HostSpec, PersistSpec, or a script base class), by name.
   *
   * @param spec the class
   * @return the words, sorted by name
   */
  public static List<Entry> of(Class<?> spec) {
    Map<String, Entry> m = new TreeMap<>();
    for (Method meth : spec.getMethods()) {
      Word w = meth.getAnnotation(Word.class);
      if (w != null) {
        m.putIfAbsent(meth.getName(), new Entry(meth.getName(), w.value(), w.help()));
      }
    }
    return new ArrayList<>(m.values());
  }

  /**
   * The names of a spec class's words, sorted.
   *
   * @param spec the class
   * @return the names
   */
  public static List<String> names(Class<?> spec) {
    return of(spec).stream().map(Entry::name).toList();
  }

  /**
   * How a word is written, or null when the class has no such word.
   *
   * @param spec the class
   * @param name the word's name
   * @return the word, or null
   */
  public static Entry find(Class<?> spec, String name) {
    return of(spec).stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * The closest word to a misspelt one (edit distance at most 2 or a shared prefix), or null.
   *
   * @param wrong the misspelt word
   * @param words the words there are
   * @return the closest word, or null
   */
  public static String closest(String wrong, List<String> words) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String w : words) {
      int d = distance(wrong.toLowerCase(), w.toLowerCase());
      if (d < bestD) {
        bestD = d;
        best = w;
      }
    }
    if (best != null && (bestD <= 2 || best.startsWith(wrong) || wrong.startsWith(best))) {
      return best;
    }
    return null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
