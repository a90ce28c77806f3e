package dev.sixkit.dsl.groovy;

import dev.sixkit.dsl.Setup;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run of scripts shares: where output goes, whether DSL steps print their results
 * ({@code ./sixkit run}) or return them for the console to print, whether apply is only planned
 * ({@code --plan}), the current setup, and whether a step failed. Closing it closes every setup
 * it made.
 *
 * <p>Not thread-safe: one script (or console) drives a session.
 */
public final class DslSession implements AutoCloseable {
  /** The binding variable holding the session. */
  public static final String VARIABLE = "sixkitSession";

  private final PrintWriter out;
  private volatile boolean echo;
  private final boolean planOnly;
  private final List<Setup> setups = new ArrayList<>();
  private Setup current;
  private final List<String> failures = new ArrayList<>();
  private java.util.function.Consumer<Object> results;

  /**
   * A session with no setup yet.
   *
   * @param out where results and progress go
   * @param echo whether plan/apply/verify/undo print their results (scripts) rather than only return them (console)
   * @param planOnly whether apply() only plans (./sixkit run --plan)
   */
  public DslSession(PrintWriter out, boolean echo, boolean planOnly) {
    this.out = out;
    this.echo = echo;
    this.planOnly = planOnly;
  }

  /**
   * Where the DSL steps print.
   *
   * @return the writer
   */
  public PrintWriter out() {
    return out;
  }

  /**
   * Whether plan, apply, verify and undo print their results (scripts) rather than only return them
   * (console).
   *
   * @return true when they print
   */
  public boolean echo() {
    return echo;
  }

  /**
   * Turns printing by the DSL steps on or off (the console prints while it runs a whole script).
   *
   * @param on true to print
   */
  public void echo(boolean on) {
    this.echo = on;
  }

  /**
   * Whether apply() only plans ({@code ./sixkit run --plan}).
   *
   * @return true for a dry run
   */
  public boolean planOnly() {
    return planOnly;
  }

  private dev.sixkit.dsl.Fleet fleet = dev.sixkit.dsl.Fleet.ALL;
  private java.util.function.BiConsumer<String, String> status;
  private dev.sixkit.plan.HostSource hosts = dev.sixkit.plan.HostSource.direct();

  /**
   * Where every setup of the session gets its live hosts: opened for the session and closed with
   * it (the default), or borrowed from a pool that keeps them open (the run daemon).
   *
   * @param source the source
   */
  public void hostSource(dev.sixkit.plan.HostSource source) {
    this.hosts = java.util.Objects.requireNonNull(source, "source");
  }

  /**
   * The hosts every setup of the session touches and how many at once (./sixkit run --limit, --forks).
   *
   * @param f the hosts and the number at once
   */
  public void fleet(dev.sixkit.dsl.Fleet f) {
    this.fleet = f;
  }

  /**
   * Where every setup of the session reports each host's live status (see {@link Setup#status}).
   *
   * @param sink gets (host, status); called from the hosts' threads
   */
  public void status(java.util.function.BiConsumer<String, String> sink) {
    this.status = sink;
  }

  /** Stops the apply or undo under way in every setup (Ctrl-C); callable from any thread. */
  public void cancel() {
    List<Setup> all;
    synchronized (setups) {
      all = List.copyOf(setups);
    }
    all.forEach(Setup::cancel);
  }

  void add(Setup s) {
    s.fleet(fleet);
    s.hostSource(hosts);
    if (status != null) {
      s.status(status);
    }
    synchronized (setups) {
      setups.add(s);
    }
    current = s;
  }

  /**
   * The setup the last setup {...} made, or null.
   *
   * @return the setup, or null before the first
   */
  public Setup current() {
    return current;
  }

  private String lastPlan;

  /** Remembers the plan text last printed, so --plan does not print the same plan twice. */
  void planned(String text) {
    lastPlan = text;
  }

  String lastPlan() {
    return lastPlan;
  }

  void failed(String what) {
    failures.add(what);
  }

  /**
   * Steps that failed without throwing (a verify that did not pass).
   *
   * @return the failures, possibly empty
   */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /**
   * Sends what the steps print (plans, apply and verify results, notes) to {@code sink} instead
   * of the output, for a machine-readable report ({@code ./sixkit run --json}).
   *
   * @param sink gets each result; null prints them to the output again
   */
  public void resultsTo(java.util.function.Consumer<Object> sink) {
    this.results = sink;
  }

  void print(Object o) {
    if (results != null) {
      results.accept(o);
      return;
    }
    out.println(o);
    out.flush();
  }

  @Override
  public void close() {
    for (Setup s : setups) {
      s.close();
    }
    setups.clear();
    current = null;
  }
}
