package dev.sixkit.cli;

import picocli.CommandLine.Command;

@Command(name = "jshell", mixinStandardHelpOptions = true, description = "TODO")
final class JShellCommand implements Runnable {
  @Override
  public void run() {
  }
}
