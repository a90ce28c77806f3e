package dev.sixkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sixkit bench ...}: measurements run side by side with the usual tools. Not shared between threads. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks, side by side with the tools people use today.",
    subcommands = {NetlinkBench.class, NdpSyncBench.class, StartupBench.class, SshReadBench.class, FleetBench.class})
final class BenchCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "say which benchmark: netlink, ndp-sync, startup, ssh-read or fleet");
  }
}
