package dev.sixkit.console;

import dev.sixkit.dsl.HostSpec;
import dev.sixkit.dsl.PersistSpec;
import dev.sixkit.dsl.SshSpec;
import dev.sixkit.dsl.SetupSpec;
import dev.sixkit.dsl.Word;
import dev.sixkit.dsl.Words;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.dsl.groovy.SixkitScript;
import groovy.lang.Binding;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.sixkit.dsl.groovy.GroovySource;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion for the console: the words of the block the cursor is in (setup, host, persist,
 * or the top level), the console's variables, and after a dot the methods of what is before it:
 * {@code host('docker1').prox<Tab>} gives {@code proxyEntries()} and {@code proxyNdp(}, typed
 * statically through the methods' return types, never by running the expression; inside the string
 * of {@code netns}, {@code uplink} or {@code lab(} the names that exist ({@link NameCandidates}).
 *
 * <p>Reads the binding without changing it; used by the reader's thread only.
 */
final class ConsoleCompleter implements Completer {
  private final Binding binding;

  ConsoleCompleter(Binding binding) {
    this.binding = binding;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    try {
      candidates.addAll(candidates(line.line(), line.cursor()));
    } catch (RuntimeException | LinkageError e) {
      // completion is a help: whatever goes wrong in it must not end the console
    }
  }

  /** The candidates for a buffer and cursor (public for tests of the completion itself). */
  List<Candidate> candidates(String buffer, int cursor) {
    String before = buffer.substring(0, cursor);
    int start = before.length();
    while (start > 0 && Character.isJavaIdentifierPart(before.charAt(start - 1))) {
      start--;
    }
    String prefix = before.substring(start);
    String pre = before.substring(0, start);
    GroovySource.State st = GroovySource.scan(pre);
    if (st.inComment()) {
      return List.of();
    }
    if (st.inString()) {
      // a name a word takes (netns '..., uplink '..., lab('...), else nothing
      List<Candidate> names = NameCandidates.inString(before, GroovySource.block(before));
      return names == null ? List.of() : names;
    }
    List<Candidate> out = new ArrayList<>();
    if (pre.endsWith(".")) {
      Class<?> type = typeOf(pre.substring(0, pre.length() - 1));
      if (type != null) {
        for (Candidate c : members(type)) {
          if (c.value().startsWith(prefix)) {
            out.add(c);
          }
        }
      }
      return out;
    }
    String block = GroovySource.block(pre);
    Class<?> spec = switch (block) {
      case "setup" -> SetupSpec.class;
      case "host" -> HostSpec.class;
      case "persist" -> PersistSpec.class;
      case "ssh" -> SshSpec.class;
      default -> SixkitScript.class;
    };
    String group = block.isEmpty() ? "sixkit" : block + " block";
    for (Words.Entry w : Words.of(spec)) {
      if (w.name().startsWith(prefix)) {
        out.add(new Candidate(w.name(), w.name(), group, w.usage() + "  " + w.help(), null, null, true));
      }
    }
    if (spec == SetupSpec.class) {
      for (String m : List.of("routed", "ndpProxy")) {
        if (m.startsWith(prefix)) {
          out.add(new Candidate(m, m, group, "mode " + m, null, null, true));
        }
      }
    }
    if (block.isEmpty()) {
      for (Object k : binding.getVariables().keySet()) {
        String name = k.toString();
        if (name.startsWith(prefix) && !name.equals(dev.sixkit.dsl.groovy.DslSession.VARIABLE)
            && !name.startsWith("_")) {
          Object v = binding.getVariable(name);
          out.add(new Candidate(name, name, "variables", v == null ? "null" : v.getClass().getSimpleName(), null, null,
              true));
        }
      }
    }
    return out;
  }

  /** The static type of a Groovy expression such as host('docker1').docker(), or null when unknown. */
  Class<?> typeOf(String expr) {
    List<String> parts = chain(expr);
    if (parts.isEmpty()) {
      return null;
    }
    Class<?> type = null;
    for (int i = 0; i < parts.size(); i++) {
      String p = parts.get(i).strip();
      boolean call = p.endsWith(")");
      String name = call ? p.substring(0, p.indexOf('(')).strip() : p;
      if (i == 0) {
        if (call) {
          type = returnType(SixkitScript.class, name);
        } else if (binding.hasVariable(name) && binding.getVariable(name) != null) {
          type = binding.getVariable(name).getClass();
        } else {
          return null;
        }
      } else {
        Class<?> next = returnType(type, name);
        if (next == null && !call) {
          next = returnType(type, "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1));
        }
        type = next;
      }
      if (type == null) {
        return null;
      }
    }
    return type;
  }

  private static Class<?> returnType(Class<?> type, String name) {
    for (Class<?> c : ScriptRunner.visible(type)) {
      for (Method m : c.getMethods()) {
        if (m.getName().equals(name) && !Modifier.isStatic(m.getModifiers())) {
          return m.getReturnType();
        }
      }
    }
    return null;
  }

  /**
   * Splits the expression that ends the text at its top-level dots: "x = host('a.b').docker()"
   * gives [host('a.b'), docker()]. Stops at what cannot be part of a call chain.
   */
  static List<String> chain(String text) {
    int i = text.length() - 1;
    int depth = 0;
    int end = text.length();
    List<String> parts = new ArrayList<>();
    for (; i >= 0; i--) {
      char c = text.charAt(i);
      if (c == ')' || c == ']') {
        depth++;
      } else if (c == '(' || c == '[') {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (c == '\'' || c == '"') {
        // skip the string backwards
        int j = text.lastIndexOf(c, i - 1);
        if (j < 0) {
          return List.of();
        }
        i = j;
      } else if (depth == 0) {
        if (c == '.') {
          parts.add(0, text.substring(i + 1, end));
          end = i;
        } else if (!Character.isJavaIdentifierPart(c)) {
          break;
        }
      }
    }
    parts.add(0, text.substring(i + 1, end));
    for (String p : parts) {
      if (p.isBlank()) {
        return List.of();
      }
    }
    return parts;
  }

  /** The methods of a type as candidates: name() for no arguments, name( otherwise, with the signature. */
  static List<Candidate> members(Class<?> type) {
    Map<String, Candidate> out = new LinkedHashMap<>();
    List<String> names = ScriptRunner.publicMethods(type);
    for (Class<?> c : ScriptRunner.visible(type)) {
      for (Method m : c.getMethods()) {
        if (!names.contains(m.getName())) {
          continue;
        }
        boolean noArgs = m.getParameterCount() == 0;
        String value = m.getName() + (noArgs ? "()" : "(");
        Word w = m.getAnnotation(Word.class);
        String descr = w != null ? w.value() : signature(m);
        out.merge(value, new Candidate(value, m.getName(), type.getSimpleName(), descr, null, null, noArgs),
            (a, b) -> a);
      }
    }
    List<Candidate> l = new ArrayList<>(out.values());
    l.sort((a, b) -> a.value().compareTo(b.value()));
    return l;
  }

  private static String signature(Method m) {
    StringBuilder sb = new StringBuilder(m.getReturnType().getSimpleName()).append(' ').append(m.getName()).append('(');
    var ps = m.getParameters();
    for (int i = 0; i < ps.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(ps[i].getType().getSimpleName()).append(' ').append(ps[i].getName());
    }
    return sb.append(')').toString();
  }
}
