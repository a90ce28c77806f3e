package dev.sixkit.plan;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A plain-text table, as {@code ip} or {@code docker ps} print them: a header row, then one row per
 * value, columns padded to their widest cell. Plans, apply results and verify reports print
 * through it, and so do the console and {@code table(...)} for lists of records.
 *
 * <pre>{@code
 * Table.of("HOST", "CHANGE").row("docker1", "+ route").toString()
 * Table.from(host.interfaces())   // one column per record component
 * }</pre>
 *
 * <p>Not thread-safe while rows are added; {@link #toString()} does not change it.
 */
public final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  /**
   * An empty table with these columns.
   *
   * @param headers the column names
   * @return the table
   */
  public static Table of(String... headers) {
    return new Table(List.of(headers));
  }

  /**
   * Adds a row; missing cells are empty, {@code null} prints as "".
   *
   * @param cells the cells, in column order
   * @return this table
   */
  public Table row(Object... cells) {
    List<String> r = new ArrayList<>(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      Object c = i < cells.length ? cells[i] : null;
      r.add(c == null ? "" : c.toString());
    }
    rows.add(r);
    return this;
  }

  /**
   * The number of rows.
   *
   * @return the count
   */
  public int size() {
    return rows.size();
  }

  /**
   * The column names.
   *
   * @return the names
   */
  public List<String> headers() {
    return headers;
  }

  /**
   * The rows, each a list of cell texts.
   *
   * @return a copy of the rows
   */
  public List<List<String>> rows() {
    return List.copyOf(rows);
  }

  /**
   * A table of values: records get one column per component, maps one per key (the first map's
   * keys), anything else a single VALUE column with its text. A Map itself gives KEY and VALUE.
   *
   * @param value a value, a collection of values, or a map
   * @return a new table
   */
  public static Table from(Object value) {
    if (value instanceof Map<?, ?> m) {
      Table t = of("KEY", "VALUE");
      m.forEach((k, v) -> t.row(k, v));
      return t;
    }
    Collection<?> items = value instanceof Collection<?> c ? c
        : value instanceof Object[] a ? List.of(a) : List.of(value);
    if (items.isEmpty()) {
      return of("(none)");
    }
    Object first = items.stream().filter(x -> x != null).findFirst().orElse(null);
    if (first != null && first.getClass().isRecord()) {
      RecordComponent[] comps = first.getClass().getRecordComponents();
      for (RecordComponent rc : comps) {
        // records declared in a snippet, a script or a test are not public: read them all the same
        rc.getAccessor().trySetAccessible();
      }
      List<String> hs = new ArrayList<>();
      for (RecordComponent rc : comps) {
        hs.add(upper(rc.getName()));
      }
      Table t = new Table(hs);
      for (Object item : items) {
        if (item == null || item.getClass() != first.getClass()) {
          t.row(String.valueOf(item));
          continue;
        }
        Object[] cells = new Object[comps.length];
        for (int i = 0; i < comps.length; i++) {
          try {
            cells[i] = comps[i].getName().equals("flags") ? flags(item, comps[i].getAccessor().invoke(item))
                : cell(comps[i].getAccessor().invoke(item));
          } catch (ReflectiveOperationException e) {
            cells[i] = "?";
          }
        }
        t.row(cells);
      }
      return t;
    }
    if (first instanceof Map<?, ?> fm) {
      List<String> hs = new ArrayList<>();
      fm.keySet().forEach(k -> hs.add(upper(String.valueOf(k))));
      Table t = new Table(hs);
      for (Object item : items) {
        Map<?, ?> m = item instanceof Map<?, ?> mm ? mm : Map.of();
        t.row(fm.keySet().stream().map(k -> cell(m.get(k))).toArray());
      }
      return t;
    }
    Table t = of("VALUE");
    items.forEach(t::row);
    return t;
  }

  /** Flags print as their names when the record can name them (a flagNames() method), else as the number. */
  private static Object flags(Object item, Object value) {
    try {
      java.lang.reflect.Method names = item.getClass().getMethod("flagNames");
      Object n = names.invoke(item);
      return n instanceof Collection<?> c ? String.join(",", c.stream().map(String::valueOf).toList()) : n;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return value;
    }
  }

  /** Optional values print as their content or "", addresses as RFC 5952 text. */
  private static Object cell(Object v) {
    if (v instanceof java.util.Optional<?> o) {
      return o.map(Table::cell).orElse("");
    }
    if (v instanceof java.net.InetAddress a) {
      return dev.sixkit.netlink.IpAddresses.format(a);
    }
    if (v instanceof inet.ipaddr.IPAddress a) {
      return a.isPrefixed() ? a.toPrefixBlock().toCanonicalString() : a.toCanonicalString();
    }
    return v;
  }

  /** camelCase to CAMEL_CASE-ish header: ifindex -> IFINDEX, dockerPrefix -> DOCKER PREFIX. */
  private static String upper(String name) {
    StringBuilder sb = new StringBuilder();
    for (char ch : name.toCharArray()) {
      if (Character.isUpperCase(ch) && sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(Character.toUpperCase(ch));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    int[] w = new int[headers.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = headers.get(i).length();
    }
    for (List<String> r : rows) {
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, headers, w);
    for (List<String> r : rows) {
      sb.append('\n');
      line(sb, r, w);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w) {
    int start = sb.length();
    for (int i = 0; i < w.length; i++) {
      String c = cells.get(i);
      sb.append(c);
      if (i < w.length - 1) {
        sb.append(" ".repeat(w[i] - c.length() + 2));
      }
    }
    // no trailing blanks
    int end = sb.length();
    while (end > start && sb.charAt(end - 1) == ' ') {
      end--;
    }
    sb.setLength(end);
  }
}
