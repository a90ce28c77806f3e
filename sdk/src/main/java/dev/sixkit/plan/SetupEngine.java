package dev.sixkit.plan;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired-state engine: {@link #plan()} reads every host ({@link HostReader}) and diffs it
 * against the {@link DesiredSetup} ({@link Diff}, pure); {@link #apply()} makes the steps on every
 * host in parallel and records them; {@link #verify()} proves the result with ping6 and HTTP;
 * {@link #undo()} reverts everything applied since the last undo. Usable from the {@code sdk}
 * artifact alone:
 *
 * <pre>{@code
 * DesiredSetup want = new DesiredSetup("demo", Mode.ROUTED, Prefixes.prefix("2001:db8:ab11::/64"), 0, List.of(
 *     new HostEntry("docker1", HostConnector.netns("demo-docker1"), "eth0", null, sock1, "2001:db8:cd11::/64", List.of(), ""),
 *     new HostEntry("docker2", HostConnector.netns("demo-docker2"), "eth0", null, sock2, "2001:db8:ef11::/64", List.of(), "")),
 *     null, "/var/lib/sixkit/dsl");
 * try (SetupEngine s = new SetupEngine(want)) {
 *   System.out.println(s.plan());   // nothing touched
 *   s.apply();                      // routes on both hosts, marked as Sixkit's
 *   s.verify();                     // web1 <-> web2 over ping6 and HTTP
 *   s.undo();                       // back to before the first apply
 * }
 * }</pre>
 *
 * <p>The undo record (under {@code stateDir/NAME/last-apply.json}) accumulates every apply since
 * the last undo, so an undo from another process reverts them all, newest first.
 *
 * <p>Thread-safe: operations may be called from any thread and are serialised per engine; host
 * connections are opened once and closed by {@link #close()}.
 */
public final class SetupEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SetupEngine.class);

  private final DesiredSetup setup;
  private final Map<String, Host> open = new ConcurrentHashMap<>();
  private volatile Consumer<String> progress = m -> { };
  private volatile boolean closed;
  private volatile List<String> limit = List.of();
  private volatile int forks = DEFAULT_FORKS;
  private volatile java.util.function.BiConsumer<String, String> status = (h, m) -> { };
  private volatile boolean cancelled;
  private volatile HostSource source = HostSource.direct();

  /** How many hosts are read or changed at once unless {@link #fleet} says otherwise. */
  public static final int DEFAULT_FORKS = 10;

  /**
   * An engine for a setup; hosts are opened on first use.
   *
   * @param setup the desired setup
   */
  public SetupEngine(DesiredSetup setup) {
    this.setup = Objects.requireNonNull(setup, "setup");
  }

  /**
   * Where progress lines go during apply and undo ("docker1: apply done, 2 changes").
   *
   * @param sink gets each line; called from the hosts' threads
   * @return this engine
   */
  public SetupEngine progress(Consumer<String> sink) {
    this.progress = sink == null ? m -> { } : sink;
    return this;
  }

  /**
   * Which hosts the operations touch ({@code limit}; empty: all) and how many at once ({@code
   * ./sixkit run --limit --forks}). Hosts outside the limit are neither read nor changed; the plan
   * still lays out every host (prefixes follow the host order), so their address must be given.
   *
   * @param hosts the host names; empty for all
   * @param atOnce how many hosts at once, at least 1
   * @return this engine
   * @throws PlanException naming an unknown host
   */
  public SetupEngine fleet(List<String> hosts, int atOnce) {
    for (String h : hosts) {
      setup.host(h); // an unknown name fails here, naming the hosts there are
    }
    this.limit = List.copyOf(hosts);
    this.forks = Math.max(1, atOnce);
    return this;
  }

  /**
   * Where the engine gets its live hosts ({@code ./sixkit} run daemon: a {@link
   * dev.sixkit.host.HostPool} keeping SSH connections open between runs). The engine closes what
   * it got when it is closed: a lent host goes back to its pool. Call before the first host is
   * opened (before the first plan, apply, verify or {@link #host}).
   *
   * @param hostSource the source; {@link HostSource#direct()} by default
   * @return this engine
   * @throws SixkitException when a host was opened already
   */
  public SetupEngine hosts(HostSource hostSource) {
    Objects.requireNonNull(hostSource, "hostSource");
    if (!open.isEmpty()) {
      throw new SixkitException("choose where hosts come from", "setup " + setup.name(), "hosts "
          + String.join(", ", open.keySet()) + " are open already: call hosts(...) before the first host is opened");
    }
    this.source = hostSource;
    return this;
  }

  /**
   * The hosts the operations touch (empty: all).
   *
   * @return the host names
   */
  public List<String> limit() {
    return limit;
  }

  /**
   * Where each host's live status goes while hosts are read and changed: (host, "reading"),
   * (host, "apply 3/12"), (host, "apply done, 2 changes"). Called from the hosts' threads.
   *
   * @param sink gets (host, status)
   * @return this engine
   */
  public SetupEngine status(java.util.function.BiConsumer<String, String> sink) {
    this.status = sink == null ? (h, m) -> { } : sink;
    return this;
  }

  /**
   * Stops an apply or undo under way cleanly (Ctrl-C): no step starts after this, the steps under
   * way finish, what was made is recorded for undo and reported. Callable from any thread.
   */
  public void cancel() {
    cancelled = true;
    progress.accept("stopping: no more changes are started; the ones under way finish");
  }

  private boolean inFleet(HostEntry e) {
    return limit.isEmpty() || limit.contains(e.name());
  }

  /**
   * The hosts inside the limit, in the setup's order.
   *
   * @return the hosts
   */
  public List<HostEntry> active() {
    return setup.hosts().stream().filter(this::inFleet).toList();
  }

  /**
   * The desired setup.
   *
   * @return the setup
   */
  public DesiredSetup setup() {
    return setup;
  }

  /**
   * The names of every host of the setup, in order.
   *
   * @return the names
   */
  public List<String> hostNames() {
    return setup.hosts().stream().map(HostEntry::name).toList();
  }

  /**
   * The undo record's file.
   *
   * @return the path
   */
  public Path journalFile() {
    return setup.journalFile();
  }

  /**
   * What {@link #undo()} would revert (every change applied since the last undo), from the record.
   *
   * @return the changes, possibly empty
   */
  public List<Change> lastApplied() {
    return Journal.load(journalFile()).stream().map(j -> j.step().planned(j.host())).toList();
  }

  /**
   * The live host (opened on first use through the engine's {@link #hosts(HostSource) source},
   * closed with the engine).
   *
   * @param hostName the host's name in the setup
   * @return the open host
   * @throws PlanException when the setup has no such host
   * @throws SixkitException when the engine is closed
   */
  public Host host(String hostName) {
    HostEntry e = setup.host(hostName);
    if (closed) {
      throw new SixkitException("open host", hostName, "the setup " + setup.name() + " is closed");
    }
    HostSource from = source;
    return open.computeIfAbsent(hostName, n -> from.open(e.connector(), n, e.docker()));
  }

  /**
   * Every host's state, read in parallel (hosts outside the limit are {@link HostState#skipped}).
   *
   * @return host name to state, in the setup's order
   */
  public Map<String, HostState> read() {
    long t0 = System.nanoTime();
    Map<String, HostState> read = Parallel.onHosts(active(), forks, e -> {
      status.accept(e.name(), "reading");
      HostState st = HostReader.read(setup, e, () -> host(e.name()));
      status.accept(e.name(), st.error() == null ? "read" : "cannot read: " + st.error());
      return st;
    });
    Map<String, HostState> out = new java.util.LinkedHashMap<>();
    for (HostEntry e : setup.hosts()) {
      out.put(e.name(), read.containsKey(e.name()) ? read.get(e.name()) : HostState.skipped(e.name()));
    }
    log.debug("read {} hosts in {} ms, {} at once", read.size(), (System.nanoTime() - t0) / 1_000_000, forks);
    return out;
  }

  /**
   * Reads every host and returns what {@link #apply()} would change and what is in the way. Changes nothing.
   *
   * @return the plan
   */
  public Plan plan() {
    synchronized (this) {
      return Diff.plan(setup, read());
    }
  }

  /**
   * Plans and makes the changes, on every host in parallel. Refuses (changing nothing) when the
   * plan has problems. Adds what it changed to the undo record.
   *
   * @return what was done, host by host
   * @throws RefusedException when the plan has problems (nothing changed)
   * @throws ApplyException when a change failed on a host: it says what was changed where
   */
  public ApplyResult apply() {
    synchronized (this) {
      cancelled = false;
      Map<String, HostState> states = read();
      Plan p = Diff.plan(setup, states);
      // A host that cannot be reached or read does not stop the others: it is reported failed.
      Map<String, String> down = new java.util.LinkedHashMap<>();
      states.forEach((h, st) -> {
        if (st.error() != null && !st.isSkipped()) {
          down.put(h, st.error());
        }
      });
      List<String> blocking = p.problems().stream()
          .filter(x -> down.keySet().stream().noneMatch(h -> x.startsWith(h + ": "))).toList();
      if (!blocking.isEmpty() || p.network().isEmpty() || down.size() == active().size()) {
        throw new RefusedException(p);
      }
      long t0 = System.nanoTime();
      List<HostEntry> on = active().stream().filter(e -> !down.containsKey(e.name())).toList();
      if (p.changes().isEmpty() && down.isEmpty()) {
        return new ApplyResult("apply", setup.name(), active().stream().map(HostEntry::name).toList(), Map.of(),
            Map.of(), Map.of(), 0);
      }
      List<Journal.Entry> journal = Collections.synchronizedList(new ArrayList<>());
      progress.accept("applying " + p.changes().size() + " changes on " + on.size() + " hosts, " + forks
          + " at once" + (down.isEmpty() ? "" : "; not reachable: " + String.join(", ", down.keySet())));
      Map<String, Outcome> outcomes = new java.util.LinkedHashMap<>(Parallel.onHosts(on, forks,
          e -> run(e, p.steps().get(e.name()), journal, "apply")));
      down.forEach((h, why) -> {
        outcomes.put(h, new Outcome(List.of(), why, p.changes(h)));
        status.accept(h, "apply FAILED: " + why);
        progress.accept(h + ": apply FAILED: " + why);
      });
      List<Journal.Entry> made = ordered(journal);
      if (!made.isEmpty()) {
        // Undo reverts everything since the last undo: this apply's steps go after the earlier ones.
        List<Journal.Entry> all = new ArrayList<>(Journal.load(journalFile()));
        all.addAll(made);
        Journal.save(journalFile(), setup.name(), reached(), all);
      }
      ApplyResult r = result("apply", outcomes, t0);
      if (!r.ok()) {
        throw new ApplyException(r);
      }
      return r;
    }
  }

  /** How each host is reached, for the record of an apply. */
  private Map<String, String> reached() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    setup.hosts().forEach(h -> m.put(h.name(), h.connector().describe()));
    return m;
  }

  private List<Journal.Entry> ordered(List<Journal.Entry> journal) {
    List<Journal.Entry> out = new ArrayList<>();
    synchronized (journal) {
      for (HostEntry h : setup.hosts()) {
        journal.stream().filter(j -> j.host().equals(h.name())).forEach(out::add);
      }
    }
    return out;
  }

  private record Outcome(List<Change> done, String failure, List<Change> notDone) {}

  private Outcome run(HostEntry e, List<Step> steps, List<Journal.Entry> journal, String verb) {
    List<Change> done = new ArrayList<>();
    List<Change> notDone = new ArrayList<>();
    String failure = null;
    int i = 0;
    for (Step st : steps) {
      status.accept(e.name(), verb + " " + (++i) + "/" + steps.size());
      if (failure == null && cancelled) {
        failure = "stopped (interrupted) before " + st.planned(e.name()).object();
      }
      if (failure != null) {
        notDone.add(st.planned(e.name()));
        continue;
      }
      try {
        Change c = st.apply(host(e.name()), e.connector().files());
        if (c.changed()) {
          journal.add(new Journal.Entry(e.name(), st));
          done.add(c);
          log.debug("{}: {}", verb, c);
        }
      } catch (RuntimeException ex) {
        Change c = st.planned(e.name());
        failure = c.kind().sign() + " " + c.object() + ": " + ex.getMessage();
        log.debug("{} on {} failed", verb, e.name(), ex);
      }
    }
    String end = verb + (failure == null ? " done, " : " FAILED after ") + done.size()
        + (done.size() == 1 ? " change" : " changes") + (failure == null ? "" : ": " + failure);
    status.accept(e.name(), end);
    progress.accept(e.name() + ": " + end);
    return new Outcome(done, failure, notDone);
  }

  private ApplyResult result(String verb, Map<String, Outcome> outcomes, long t0) {
    Map<String, List<Change>> done = new java.util.LinkedHashMap<>();
    Map<String, String> failed = new java.util.LinkedHashMap<>();
    Map<String, List<Change>> notDone = new java.util.LinkedHashMap<>();
    outcomes.forEach((h, o) -> {
      done.put(h, o.done());
      if (o.failure() != null) {
        failed.put(h, o.failure());
      }
      notDone.put(h, o.notDone());
    });
    return new ApplyResult(verb, setup.name(), new ArrayList<>(outcomes.keySet()), done, failed, notDone,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Reverts everything applied since the last undo (from this process or another), newest first,
   * on every host in parallel. Says so when there is nothing to undo.
   *
   * @return what was reverted, host by host
   * @throws ApplyException when reverting failed on a host; what could not be reverted stays recorded
   */
  public ApplyResult undo() {
    synchronized (this) {
      cancelled = false;
      List<Journal.Entry> recorded = Journal.load(journalFile());
      // Outside --limit the record stays as it is.
      List<Journal.Entry> entries = recorded.stream().filter(j -> setup.hosts().stream()
          .noneMatch(h -> h.name().equals(j.host())) || inFleet(setup.host(j.host()))).toList();
      List<Journal.Entry> others = recorded.stream().filter(j -> !entries.contains(j)).toList();
      long t0 = System.nanoTime();
      if (entries.isEmpty()) {
        return new ApplyResult("undo", setup.name(), hostNames(), Map.of(), Map.of(), Map.of(), 0);
      }
      for (Journal.Entry j : entries) {
        setup.host(j.host()); // a host missing from the setup fails before anything is reverted
      }
      List<Journal.Entry> reverted = Collections.synchronizedList(new ArrayList<>());
      List<HostEntry> involved = setup.hosts().stream()
          .filter(h -> entries.stream().anyMatch(j -> j.host().equals(h.name()))).toList();
      Map<String, Outcome> outcomes = Parallel.onHosts(involved, forks, e -> {
        List<Step> back = new ArrayList<>();
        for (Journal.Entry j : entries) {
          if (j.host().equals(e.name())) {
            back.add(0, j.step().inverse());
          }
        }
        return run(e, back, reverted, "undo");
      });
      // What was not reverted stays recorded, so a second undo can finish the job.
      List<Journal.Entry> left = new ArrayList<>(others);
      for (Journal.Entry j : entries) {
        boolean back;
        synchronized (reverted) {
          back = reverted.stream().anyMatch(r -> r.host().equals(j.host()) && r.step().equals(j.step().inverse()));
        }
        if (!back) {
          left.add(j);
        }
      }
      ApplyResult r = result("undo", outcomes, t0);
      List<Journal.Entry> keep = r.ok() ? others : left;
      if (keep.isEmpty()) {
        Journal.delete(journalFile());
      } else {
        Journal.save(journalFile(), setup.name(), reached(), keep);
      }
      if (!r.ok()) {
        throw new ApplyException(r);
      }
      return r;
    }
  }

  /**
   * From every web container to every other (on all hosts): ping6 and an HTTP GET, through Docker
   * exec; for failed pairs, which hop does not do what the plan says. Changes nothing.
   *
   * @return the checks and the hops at fault
   */
  public VerifyReport verify() {
    long t0 = System.nanoTime();
    Map<String, HostState> states;
    Plan p;
    synchronized (this) {
      states = read();
      p = Diff.plan(setup, states);
    }
    return Verifier.verify(setup, active(), p, states, this::host, t0);
  }

  /**
   * Closes the hosts it opened (a host lent by a pool goes back to it); the engine cannot be used
   * afterwards.
   */
  @Override
  public void close() {
    closed = true;
    for (Host h : open.values()) {
      try {
        h.close();
      } catch (RuntimeException e) {
        log.debug("closing {}", h, e);
      }
    }
    open.clear();
  }
}
