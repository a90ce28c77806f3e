package dev.sixkit.internal.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for the Engine's answers on the lean read path: objects
 * become {@code Map<String, Object>} (key order kept), arrays {@code List<Object>}, numbers
 * {@code Long} when integral and in range, else {@code Double}, and JSON null becomes Java null.
 * Exists so a long-running sync never loads Jackson and docker-java (about 1,300 classes and
 * 20 MiB of metaspace). Depth is capped so hostile input cannot overflow the stack.
 *
 * <p>Stateless static methods; thread-safe.
 */
public final class JsonParser {
  static final int MAX_DEPTH = 128;

  /** The text is not JSON; the message says where. Immutable; thread-safe. */
  public static final class SyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  private final String s;
  private int pos;

  private JsonParser(String s) {
    this.s = s;
  }

  /** Parses one JSON value; nothing but whitespace may follow it. */
  public static Object parse(String text) {
    JsonParser p = new JsonParser(text);
    p.skipSpace();
    Object v = p.value(0);
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the value");
    }
    return v;
  }

  /** Parses a JSON object; anything else is a syntax error naming what was found. */
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new SyntaxException("expected a JSON object, got " + (v == null ? "null" : v.getClass().getSimpleName()));
    }
    return object(v);
  }

  // ---------------------------------------------------------------- navigation (absent-tolerant)

  /** The value as an object, or an empty one when it is not an object (absent, null, another type). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The member as an object, or an empty one. */
  public static Map<String, Object> object(Map<String, Object> m, String key) {
    return object(m.get(key));
  }

  /** The member as an array, or an empty one. */
  @SuppressWarnings("unchecked")
  public static List<Object> array(Map<String, Object> m, String key) {
    return m.get(key) instanceof List<?> l ? (List<Object>) l : List.of();
  }

  /** The member as text ("" when absent or null; numbers and booleans as written). */
  public static String text(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null || v instanceof Map || v instanceof List) {
      return "";
    }
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return Long.toString(d.longValue());
    }
    return v.toString();
  }

  /** The member as a long (0 when absent or not a number). */
  public static long number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.longValue() : 0L;
  }

  /** The member as a boolean (false when absent or not a boolean). */
  public static boolean bool(Map<String, Object> m, String key) {
    return Boolean.TRUE.equals(m.get(key));
  }

  /** The member as a map of strings (non-string values skipped), or an empty map. */
  public static Map<String, String> strings(Map<String, Object> m, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    object(m, key).forEach((k, v) -> {
      if (v instanceof String str) {
        out.put(k, str);
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- the grammar

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return objectValue(depth);
      case '[':
        return arrayValue(depth);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character " + describe(c));
    }
  }

  private Map<String, Object> objectValue(int depth) {
    pos++; // {
    Map<String, Object> m = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return m;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a member name in quotes");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      m.put(key, value(depth + 1));
      skipSpace();
      char c = next("',' or '}'");
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}' but found " + describe(c));
      }
    }
  }

  private List<Object> arrayValue(int depth) {
    pos++; // [
    List<Object> l = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(l);
    }
    while (true) {
      skipSpace();
      l.add(value(depth + 1));
      skipSpace();
      char c = next("',' or ']'");
      if (c == ']') {
        return Collections.unmodifiableList(l);
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']' but found " + describe(c));
      }
    }
  }

  private String string() {
    pos++; // opening quote
    StringBuilder sb = null;
    int start = pos;
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos);
      if (c == '"') {
        String tail = s.substring(start, pos++);
        return sb == null ? tail : sb.append(tail).toString();
      }
      if (c < 0x20) {
        throw error("control character " + describe(c) + " in a string");
      }
      if (c != '\\') {
        pos++;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder();
      }
      sb.append(s, start, pos);
      pos++;
      char e = next("an escape");
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> sb.append(hex4());
        default -> {
          pos--;
          throw error("bad escape \\" + e);
        }
      }
      start = pos;
    }
  }

  private char hex4() {
    if (pos + 4 > s.length()) {
      throw error("truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(s.charAt(pos + i), 16);
      if (d < 0) {
        throw error("bad \\u escape");
      }
      v = v * 16 + d;
    }
    pos += 4;
    return (char) v;
  }

  private Object number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      digits();
    } else {
      throw error("a number needs digits");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!isDigit(peek())) {
        throw error("a fraction needs digits");
      }
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("an exponent needs digits");
      }
      digits();
    }
    String t = s.substring(start, pos);
    if (integral && t.length() <= 20) { // 19 digits and a sign
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        // past Long's range: a double below
      }
    }
    return Double.parseDouble(t);
  }

  private void digits() {
    while (isDigit(peek())) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void literal(String word) {
    if (!s.startsWith(word, pos)) {
      throw error("expected " + word);
    }
    pos += word.length();
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  /** The next character, or NUL at the end (never a valid token start). */
  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private char next(String expected) {
    if (pos >= s.length()) {
      throw error("unexpected end of input, expected " + expected);
    }
    return s.charAt(pos++);
  }

  private void expect(char c) {
    char got = next("'" + c + "'");
    if (got != c) {
      pos--;
      throw error("expected '" + c + "' but found " + describe(got));
    }
  }

  private static String describe(char c) {
    return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }

  private SyntaxException error(String what) {
    return new SyntaxException("not JSON at offset " + pos + ": " + what);
  }
}
