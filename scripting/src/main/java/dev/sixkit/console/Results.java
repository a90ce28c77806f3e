package dev.sixkit.console;

import dev.sixkit.plan.Table;
import java.util.Collection;
import java.util.Map;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * How the console prints a value: lists of records or maps and maps as tables, the DSL's plans and
 * reports as their own tables, anything else as Groovy prints it. Stateless; thread-safe.
 */
final class Results {
  /** Records with more components than this print one per line, through their own toString. */
  static final int MAX_COLUMNS = 6;

  private Results() {}

  /** Whether a record prints itself its own way (a record's generated toString reads Name[a=1, ...]). */
  private static boolean ownToString(Object r) {
    return !String.valueOf(r).startsWith(r.getClass().getSimpleName() + "[");
  }

  /** The text for a value, or null to print nothing (null results, as in groovysh's quiet mode). */
  static String format(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      return Table.from(m).toString();
    }
    if (v instanceof Object[] a) {
      v = java.util.Arrays.asList(a);
    }
    if (v instanceof Collection<?> c && !c.isEmpty() && c.stream().allMatch(x -> x != null
        && (x.getClass().isRecord() || x instanceof Map<?, ?>))) {
      Object first = c.iterator().next();
      if (first.getClass().isRecord() && first.getClass().getRecordComponents().length > MAX_COLUMNS
          && ownToString(first)) {
        // Wide records that print themselves (links, routes, addresses print as ip does): one per line.
        StringBuilder sb = new StringBuilder();
        c.forEach(x -> sb.append(x).append('\n'));
        return sb.append('(').append(c.size()).append(c.size() == 1 ? " row)" : " rows)").toString();
      }
      return Table.from(c) + "\n(" + c.size() + (c.size() == 1 ? " row)" : " rows)");
    }
    if (v.getClass().isRecord() || v.getClass().getName().startsWith("dev.sixkit.")) {
      return v.toString();
    }
    return InvokerHelper.toString(v);
  }
}
