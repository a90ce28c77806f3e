package dev.sixkit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Help text that wraps between words only. picocli wraps with the JDK's line break rules, which
 * break inside {@code daemon.json}, {@code ./sixkit} or {@code table(...)} ("daemon. json"). Before
 * a help screen is drawn, a '.', '/' or bracket inside a word is swapped for a letter the help
 * never uses (as picocli itself does for '-'), and the writers the command line prints through
 * swap it back, so the terminal gets the text as written, with the same widths. The texts change
 * only when help is drawn. One command line per thread, as picocli's own model.
 */
final class HelpText {
  /** The characters swapped, and the letters (Latin clicks, never in this help) that stand in for them. */
  private static final String SWAPPED = "./([";
  private static final String STAND_INS = "\u01c3\u01c0\u01c1\u01c2";
  /** A '.' or '/' followed by a non-space, or a bracket after a non-space: inside a word. */
  private static final Pattern INSIDE_WORD = Pattern.compile("[./](?=\\S)|(?<=\\S)[(\\[]");

  private HelpText() {}

  /** The help factory: glues the texts of the command and of the subcommands it lists, then draws as picocli does. */
  static CommandLine.IHelpFactory factory() {
    return (spec, colors) -> {
      try {
        glue(spec);
        for (CommandLine sub : spec.subcommands().values()) {
          sub.getCommandSpec().usageMessage().description(glued(sub.getCommandSpec().usageMessage().description()));
          sub.getCommandSpec().usageMessage().header(glued(sub.getCommandSpec().usageMessage().header()));
        }
      } catch (RuntimeException e) {
        // help drawn with a break inside a word is still help
      }
      return new CommandLine.Help(spec, colors);
    };
  }

  static String glued(String s) {
    if (s == null) {
      return null;
    }
    return INSIDE_WORD.matcher(s).replaceAll(m -> String.valueOf(STAND_INS.charAt(SWAPPED.indexOf(m.group().charAt(0)))));
  }

  /** The text as written: the stand-ins swapped back. */
  static String unglued(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      int k = STAND_INS.indexOf(s.charAt(i));
      if (k >= 0) {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, SWAPPED.charAt(k));
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static String[] glued(String[] lines) {
    String[] out = new String[lines.length];
    for (int i = 0; i < lines.length; i++) {
      out[i] = glued(lines[i]);
    }
    return out;
  }

  private static boolean changes(String[] lines, String label) {
    for (String l : lines) {
      if (!l.equals(glued(l))) {
        return true;
      }
    }
    return label != null && !label.equals(glued(label));
  }

  private static void glue(CommandSpec spec) {
    spec.usageMessage().description(glued(spec.usageMessage().description()));
    spec.usageMessage().header(glued(spec.usageMessage().header()));
    spec.usageMessage().footer(glued(spec.usageMessage().footer()));
    for (OptionSpec o : new ArrayList<>(spec.options())) {
      if (o.group() == null && changes(o.description(), o.paramLabel())) {
        spec.remove(o);
        spec.addOption(o.toBuilder().description(glued(o.description())).paramLabel(glued(o.paramLabel())).build());
      }
    }
    List<PositionalParamSpec> positionals = new ArrayList<>(spec.positionalParameters());
    if (positionals.stream().anyMatch(p -> changes(p.description(), p.paramLabel()))
        && positionals.stream().allMatch(p -> p.group() == null)) {
      for (ArgSpec p : positionals) {
        spec.remove(p);
      }
      for (PositionalParamSpec p : positionals) {
        spec.addPositional(p.toBuilder().description(glued(p.description())).paramLabel(glued(p.paramLabel())).build());
      }
    }
  }

  /** A writer that prints the text as written (stand-ins swapped back). */
  static PrintWriter unglued(PrintWriter out) {
    return new PrintWriter(out, true) {
      @Override
      public void write(int c) {
        int k = STAND_INS.indexOf(c);
        super.write(k >= 0 ? SWAPPED.charAt(k) : c);
      }

      @Override
      public void write(char[] buf, int off, int len) {
        write(new String(buf, off, len), 0, len);
      }

      @Override
      public void write(String s, int off, int len) {
        String part = unglued(s.substring(off, off + len));
        super.write(part, 0, part.length());
      }
    };
  }
}
