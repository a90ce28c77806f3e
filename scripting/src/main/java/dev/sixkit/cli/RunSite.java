package dev.sixkit.cli;

import dev.sixkit.plan.HostSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Where {@code ./sixkit run} runs: a process of its own ({@link #cold()}: hosts opened for the
 * run and closed after it, Ctrl-C through a shutdown hook) or the run daemon (hosts borrowed from
 * its pool and kept open for the next run, Ctrl-C relayed by the client). Immutable; thread-safe.
 *
 * @param hosts where setups get their live hosts
 * @param terminal whether the user's stderr is a terminal that can redraw lines (the live progress lines)
 * @param interrupts how the run learns of Ctrl-C
 */
record RunSite(HostSource hosts, boolean terminal, Interrupts interrupts) {
  /** Registers what Ctrl-C does during one run. */
  interface Interrupts {
    /**
     * Calls {@code stop} when the user interrupts the run, until the returned handle is closed.
     * The run closes the handle when it is over, with {@code finished} counted down first, so an
     * interrupt arriving late can wait for the run's own report.
     *
     * @param stop what to do (cancel the steps under way)
     * @param finished counted down when the run is over
     * @return closing it stops listening
     */
    AutoCloseable onInterrupt(Runnable stop, CountDownLatch finished);
  }

  /** A run in a process of its own: the process's terminal, hosts closed after the run, a shutdown hook for Ctrl-C. */
  static RunSite cold() {
    return new RunSite(HostSource.direct(), FleetProgress.terminal(), (stop, finished) -> {
      // Ctrl-C: start no more changes, let the ones under way finish, report what was made where.
      Thread hook = new Thread(() -> {
        stop.run();
        try {
          finished.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "sixkit-run-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      return () -> {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // Ctrl-C: the hook is running and waits for the run's report
        }
      };
    });
  }
}
