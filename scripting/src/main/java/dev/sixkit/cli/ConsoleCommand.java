package dev.sixkit.cli;

import picocli.CommandLine.Command;

@Command(name = "console", mixinStandardHelpOptions = true, description = "TODO")
final class ConsoleCommand implements Runnable {
  @Override
  public void run() {
  }
}
