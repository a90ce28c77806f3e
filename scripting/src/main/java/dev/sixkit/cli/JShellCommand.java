package dev.sixkit.cli;

import dev.sixkit.console.JShellLauncher;
import dev.sixkit.host.Host;
import dev.sixkit.lab.Lab;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sixkit jshell}: JShell with the SDK, its imports and a live {@code host}. Not shared between threads. */
@Command(name = "jshell", mixinStandardHelpOptions = true,
    description = {"JShell in this JVM with the SDK on its class path and a live host to try it on.",
        "Runs with --execution local; the dev.sixkit packages are imported, `host` is this machine, a namespace or a"
            + " lab host, and table(...) prints readable tables.",
        "FILEs (.jsh) are run first, then it prompts; /exit leaves."})
final class JShellCommand implements Callable<Integer> {
  @Option(names = "--netns", paramLabel = "NAME", description = "host is this network namespace (ip netns).")
  String netns;

  @Option(names = "--docker", paramLabel = "ENDPOINT", description = "The Docker endpoint of the --netns host.")
  String docker;

  @Option(names = "--lab", paramLabel = "NAME", description = "A running lab: `lab` is set and host is one of its hosts.")
  String lab;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "docker1",
      description = "With --lab: which of its hosts `host` is (default ${DEFAULT-VALUE}).")
  String labHost;

  @Parameters(paramLabel = "FILE.jsh", arity = "0..*", description = "Snippet files to run first.")
  List<String> files = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (netns != null && lab != null) {
      throw new Main.CliException("give --netns or --lab, not both");
    }
    Lab l = lab != null ? Lab.attach(lab) : null;
    try (Host h = l != null ? l.connect(labHost) : netns != null ? Host.netns(netns, docker, netns) : Host.connect()) {
      return JShellLauncher.run(h, l, files);
    }
  }
}
