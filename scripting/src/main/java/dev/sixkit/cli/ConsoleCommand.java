package dev.sixkit.cli;

import dev.sixkit.console.Console;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit console [FILE.groovy [ARGS...]]}: the interactive Groovy console with the setup
 * language. Not shared between threads.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = {"An interactive Groovy console with the setup language and the SDK.",
        "Line editing, history, Tab completion of the DSL's words and of Host methods, closures over several lines,"
            + " results as tables.",
        "With a FILE it runs it first (its setup becomes the console's), then prompts."})
final class ConsoleCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--history", paramLabel = "FILE", description = "History file (default ~/.sixkit_history).")
  Path history;

  @Option(names = "--no-history", description = "Keep no history file.")
  boolean noHistory;

  @Option(names = "--cds-training", hidden = true,
      description = "Load what the console and one-shot commands load, then exit (the launcher's class-data archive).")
  boolean training;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE.groovy", description = "A script to run first.")
  Path file;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Its arguments (args[0], ...).")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (training) {
      return CdsTraining.run(spec);
    }
    Console.warmUp();
    Terminal terminal = TerminalBuilder.builder().system(true).name("sixkit").build();
    Path h = noHistory ? null : history != null ? history : Path.of(System.getProperty("user.home"), ".sixkit_history");
    try (Console c = new Console(terminal, h, args)) {
      c.banner();
      if (file != null) {
        c.load(file, args);
      }
      c.loop();
    }
    return Main.OK;
  }
}
