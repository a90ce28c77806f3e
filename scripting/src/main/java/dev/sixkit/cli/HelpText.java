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
 * break inside {@code daemon.json}, {@code ./sixkit} or {@code table(...)} ("daemon. json"); before
 * a help screen is drawn the texts get a word joiner (U+2060) at those places, and the writers the
 * command line prints through drop it again, so what reaches the terminal is the text as written.
 * The texts change only when help is drawn (a normal run builds no help). One command line per
 * thread, as picocli's own model.
 */
final class HelpText {
  static final char JOINER = '\u2060';
  /** After a '.' or '/' inside a word, or before a bracket that follows a word: no line break there. */
  private static final Pattern INSIDE_WORD = Pattern.compile("(?<=[./])(?=[^\\s\u2060])|(?<=[^\\s\u2060])(?=[(\\[])");

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
    return s == null ? null : INSIDE_WORD.matcher(s).replaceAll(String.valueOf(JOINER));
  }

  private static String[] glued(String[] lines) {
    String[] out = new String[lines.length];
    for (int i = 0; i < lines.length; i++) {
      out[i] = glued(lines[i]);
    }
    return out;
  }

  private static boolean changes(String[] lines) {
    for (String l : lines) {
      if (!l.equals(glued(l))) {
        return true;
      }
    }
    return false;
  }

  private static void glue(CommandSpec spec) {
    spec.usageMessage().description(glued(spec.usageMessage().description()));
    spec.usageMessage().header(glued(spec.usageMessage().header()));
    spec.usageMessage().footer(glued(spec.usageMessage().footer()));
    for (OptionSpec o : new ArrayList<>(spec.options())) {
      if (o.group() == null && changes(o.description())) {
        spec.remove(o);
        spec.addOption(o.toBuilder().description(glued(o.description())).build());
      }
    }
    List<PositionalParamSpec> positionals = new ArrayList<>(spec.positionalParameters());
    if (positionals.stream().anyMatch(p -> p.group() == null && changes(p.description()))
        && positionals.stream().allMatch(p -> p.group() == null)) {
      for (ArgSpec p : positionals) {
        spec.remove(p);
      }
      for (PositionalParamSpec p : positionals) {
        spec.addPositional(p.toBuilder().description(glued(p.description())).build());
      }
    }
  }

  /** A writer that prints everything but the joiners. */
  static PrintWriter unjoining(PrintWriter out) {
    return new PrintWriter(out, true) {
      @Override
      public void write(int c) {
        if (c != JOINER) {
          super.write(c);
        }
      }

      @Override
      public void write(char[] buf, int off, int len) {
        write(new String(buf, off, len), 0, len);
      }

      @Override
      public void write(String s, int off, int len) {
        String part = s.substring(off, off + len);
        if (part.indexOf(JOINER) >= 0) {
          part = part.replace(String.valueOf(JOINER), "");
        }
        super.write(part, 0, part.length());
      }
    };
  }
}
