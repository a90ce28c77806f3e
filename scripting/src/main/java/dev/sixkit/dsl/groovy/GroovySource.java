package dev.sixkit.dsl.groovy;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small Groovy source scanner for the console and the runner: whether a buffer is unfinished (an open bracket,
 * brace, parenthesis, string or comment), and which DSL block the cursor is in. It does not parse
 * Groovy; it only tracks strings, comments and brackets, which is what both questions need.
 *
 * <p>Stateless; thread-safe.
 */
public final class GroovySource {
  private GroovySource() {}

  /**
   * What a scan found at the end of the text.
   *
   * @param depth how many brackets are open
   * @param inString whether a string is open
   * @param inComment whether a block comment is open
   * @param missing the bracket that would close the innermost open one, or 0
   * @param openLine the line (1-based) of the innermost open bracket, or 0
   * @param blocks the words of the open { } blocks, innermost first
   */
  public record State(int depth, boolean inString, boolean inComment, char missing, int openLine, Deque<String> blocks) {}

  /**
   * Scans Groovy text for open brackets, strings and comments (a lexer's view, nothing run).
   *
   * @param text the text
   * @return what is open at its end
   */
  public static State scan(String text) {
    Deque<Character> open = new ArrayDeque<>();
    Deque<Integer> openAt = new ArrayDeque<>();
    Deque<String> blocks = new ArrayDeque<>();
    int i = 0;
    int n = text.length();
    String quote = null;
    boolean block = false;
    while (i < n) {
      char c = text.charAt(i);
      if (block) {
        if (text.startsWith("*/", i)) {
          block = false;
          i += 2;
        } else {
          i++;
        }
        continue;
      }
      if (quote != null) {
        if (c == '\\') {
          i += 2;
          continue;
        }
        if (text.startsWith(quote, i)) {
          i += quote.length();
          quote = null;
        } else {
          i++;
        }
        continue;
      }
      if (text.startsWith("//", i)) {
        int nl = text.indexOf('\n', i);
        i = nl < 0 ? n : nl;
        continue;
      }
      if (text.startsWith("/*", i)) {
        block = true;
        i += 2;
        continue;
      }
      if (text.startsWith("'''", i) || text.startsWith("\"\"\"", i)) {
        quote = text.substring(i, i + 3);
        i += 3;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = String.valueOf(c);
        i++;
        continue;
      }
      switch (c) {
        case '(', '[' -> {
          open.push(c);
          openAt.push(i);
        }
        case '{' -> {
          open.push(c);
          openAt.push(i);
          blocks.push(opener(text, i));
        }
        case ')', ']', '}' -> {
          if (!open.isEmpty()) {
            open.pop();
            openAt.pop();
          }
          if (c == '}' && !blocks.isEmpty()) {
            blocks.pop();
          }
        }
        default -> { }
      }
      i++;
    }
    char missing = open.isEmpty() ? 0 : switch (open.peek()) {
      case '(' -> ')';
      case '[' -> ']';
      default -> '}';
    };
    int line = 0;
    if (!openAt.isEmpty()) {
      line = 1;
      for (int k = 0; k < openAt.peek(); k++) {
        if (text.charAt(k) == '\n') {
          line++;
        }
      }
    }
    return new State(open.size(), quote != null, block, missing, line, blocks);
  }

  /**
   * The word a { belongs to: setup in "setup('x') {", persist in "persist {", "" for a plain closure.
   *
   * @param text the text
   * @param brace the index of the {
   * @return the word, or ""
   */
  public static String opener(String text, int brace) {
    int j = brace - 1;
    while (j >= 0 && Character.isWhitespace(text.charAt(j))) {
      j--;
    }
    if (j >= 0 && text.charAt(j) == ')') {
      int depth = 0;
      for (; j >= 0; j--) {
        char c = text.charAt(j);
        if (c == ')') {
          depth++;
        } else if (c == '(') {
          depth--;
          if (depth == 0) {
            break;
          }
        }
      }
      j--;
      while (j >= 0 && Character.isWhitespace(text.charAt(j))) {
        j--;
      }
    }
    int end = j + 1;
    while (j >= 0 && Character.isJavaIdentifierPart(text.charAt(j))) {
      j--;
    }
    return text.substring(j + 1, end);
  }

  /**
   * The innermost DSL block (setup, host, persist) the end of the text is in, or "" at the top.
   *
   * @param text the text
   * @return the block's word, or ""
   */
  public static String block(String text) {
    for (String b : scan(text).blocks()) {
      if (b.equals("setup") || b.equals("host") || b.equals("persist") || b.equals("ssh")) {
        return b;
      }
    }
    return "";
  }

  /**
   * Whether the text needs more lines before it can run.
   *
   * @param text the text
   * @return true when a bracket, string or comment is open
   */
  public static boolean unfinished(String text) {
    State s = scan(text);
    if (s.depth() > 0 || s.inString() || s.inComment()) {
      return true;
    }
    String t = text.stripTrailing();
    return t.endsWith("\\") || t.endsWith(".") || t.endsWith(",") || t.endsWith("->");
  }

  /**
   * Top-level {@code def x = ...} (and {@code var}) become {@code x = ...}, so a variable lives on
   * in the console's binding as it does in groovysh; nested ones stay local.
   *
   * @param text the text
   * @return the text with top-level declarations turned into assignments
   */
  public static String keepVariables(String text) {
    StringBuilder out = new StringBuilder();
    int depthBefore = 0;
    for (String line : text.split("\n", -1)) {
      if (depthBefore == 0) {
        line = line.replaceFirst("^(\\s*)(?:def|var)\\s+([A-Za-z_$][\\w$]*)\\s*=(?!=)", "$1$2 =");
      }
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(line);
      depthBefore = scan(out.toString()).depth();
    }
    return out.toString();
  }
}
