package dev.sixkit.console;

import java.util.List;
import dev.sixkit.dsl.groovy.GroovySource;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;

/**
 * JLine's view of a Groovy buffer: Enter on an unfinished buffer (an open brace, bracket, string
 * or comment) asks for another line instead of running it, so a closure can span lines; for
 * completion the word is the identifier before the cursor, or inside a string the text from its
 * opening quote (names such as {@code sxt-a1} are not identifiers).
 *
 * <p>Stateless; thread-safe.
 */
final class ConsoleParser implements Parser {
  @Override
  public ParsedLine parse(String line, int cursor, ParseContext context) {
    if (context == ParseContext.ACCEPT_LINE && !line.isBlank() && !line.strip().startsWith(":")
        && GroovySource.unfinished(line)) {
      GroovySource.State s = GroovySource.scan(line);
      throw new EOFError(-1, -1, "unfinished", s.missing() == 0 ? "" : String.valueOf(s.missing()));
    }
    int start = cursor;
    String before = line.substring(0, cursor);
    int quote = GroovySource.scan(before).inString() ? NameCandidates.openingQuote(before) : -1;
    if (quote >= 0) {
      start = quote + 1; // in a string: a name such as sxt-a1 or lab-docker1, up to its quote
    } else {
      while (start > 0 && Character.isJavaIdentifierPart(line.charAt(start - 1))) {
        start--;
      }
    }
    return new Word(line, cursor, line.substring(start, cursor));
  }

  /** The identifier being completed. Immutable. */
  record Word(String line, int cursor, String word) implements CompletingParsedLine {
    @Override
    public int wordCursor() {
      return word.length();
    }

    @Override
    public int wordIndex() {
      return 0;
    }

    @Override
    public List<String> words() {
      return List.of(word);
    }

    @Override
    public CharSequence escape(CharSequence candidate, boolean complete) {
      return candidate;
    }

    @Override
    public int rawWordCursor() {
      return word.length();
    }

    @Override
    public int rawWordLength() {
      return word.length();
    }
  }
}
