package dev.sixkit.dsl;

import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.plan.ApplyException;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.DesiredSetup;
import dev.sixkit.plan.HostEntry;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.PlanException;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.RefusedException;
import dev.sixkit.plan.SetupEngine;
import dev.sixkit.plan.Table;
import dev.sixkit.plan.VerifyReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A multi-host IPv6 setup for Docker as the setup language describes it: this class checks the
 * description (errors name the script line) and turns it into a {@link DesiredSetup}; the SDK's
 * {@link SetupEngine} does the rest. {@link #plan()} reads every host and says what would change,
 * {@link #apply()} makes the changes on all hosts in parallel (a second apply changes nothing),
 * {@link #verify()} proves it with ping6 and HTTP from every web container to every other,
 * {@link #undo()} reverts everything applied since the last undo.
 *
 * <pre>{@code
 * try (Setup s = Setup.of(spec -> spec
 *     .underlay("2001:db8:ab11::/64").mode(Mode.ROUTED)
 *     .host("docker1", h -> h.netns("lab-docker1").uplink("eth0").docker(sock1).prefix("2001:db8:cd11::/64"))
 *     .host("docker2", h -> h.netns("lab-docker2").uplink("eth0").docker(sock2).prefix("2001:db8:ef11::/64")))) {
 *   System.out.println(s.plan());      // table of changes, nothing touched
 *   s.apply();                         // routes on both hosts
 *   s.verify();                        // web1 <-> web2 over ping6 and HTTP
 *   s.undo();                          // routes gone again
 * }
 * }</pre>
 *
 * <p>A Docker daemon's prefix is fixed when it starts: the plan checks that each running daemon
 * already uses the prefix planned for it and reports a problem (it never restarts a daemon) when
 * not. The undo record lives under {@code stateDir/NAME/last-apply.json}, so an undo from another
 * process reverts it too.
 *
 * <p>Thread-safe, as its engine: operations may be called from any thread and are serialised.
 */
public final class Setup implements AutoCloseable {
  private final DesiredSetup desired;
  private final SetupEngine engine;

  private Setup(SetupSpec s, StackTraceElement at) {
    String where = DslException.where(at);
    if (s.underlay() == null) {
      throw DslException.at(where, "setup " + s.name() + " has no underlay: add underlay '2001:db8:ab11::/64'"
          + " (the prefix the hosts share on their uplinks)");
    }
    if (s.mode() == null) {
      throw DslException.at(where, "setup " + s.name() + " has no mode: add mode ndpProxy or mode routed");
    }
    if (s.hosts().isEmpty()) {
      throw DslException.at(where, "setup " + s.name() + " has no hosts: add host('docker1') { netns 'NAME'; uplink 'eth0' }");
    }
    if (s.mode() == Mode.ROUTED && s.split() != 0) {
      throw DslException.at(where, "split is for NDP proxy mode; in routed mode each host gives its prefix '...'");
    }
    for (HostEntry h : s.hosts()) {
      if (s.mode() == Mode.ROUTED && h.prefix() == null) {
        throw DslException.at(h.declaredAt(), "host " + h.name() + " has no Docker prefix: routed mode needs"
            + " prefix '2001:db8:…/64' in its block");
      }
    }
    if (s.persist() != null && !s.persist().rootGiven()) {
      for (HostEntry h : s.hosts()) {
        if (!h.connector().ownFileSystem()) {
          throw DslException.at(where, "persist: host " + h.name() + " (" + h.connector().describe()
              + ") shares this machine's /etc; give the folder to write to: persist { root '/var/lib/sixkit/"
              + s.name() + "/{host}' }");
        }
      }
    }
    this.desired = new DesiredSetup(s.name(), s.mode(), s.underlay(), s.split(), s.hosts(), s.persist(), s.stateDir());
    // With every address given, the prefix plan can be checked now, before any host is read.
    if (desired.hosts().stream().allMatch(h -> h.address() != null)) {
      try {
        desired.networkPlan(desired.hosts().stream().collect(LinkedHashMap::new, (m, h) -> m.put(h.name(), h.address()),
            Map::putAll));
      } catch (PlanException e) {
        throw DslException.at(where, e.getMessage().replaceFirst("^plan: ", ""));
      }
    }
    this.engine = new SetupEngine(desired);
  }

  /**
   * Describes and validates a setup. A wrong word or value fails here with a {@link
   * DslException} naming the caller's line; nothing is read or changed.
   *
   * @param body fills in the description (the words of {@link SetupSpec})
   * @return the setup, not applied
   * @throws DslException naming the caller's line when a word or value is wrong
   */
  public static Setup of(Consumer<SetupSpec> body) {
    Objects.requireNonNull(body, "body");
    StackTraceElement at = DslException.userFrame(new Throwable().getStackTrace());
    SetupSpec s = new SetupSpec();
    body.accept(s);
    return new Setup(s, at);
  }

  private volatile Fleet fleet = Fleet.ALL;

  /**
   * Which hosts the operations touch and how many at once ({@code ./sixkit run --limit --forks}).
   * Hosts outside the limit are neither read nor changed; the plan still lays out every host
   * (prefixes follow the host order), so in routed mode their address must be written in their
   * block.
   *
   * @param f the hosts and the number at once
   * @return this setup
   * @throws DslException naming an unknown host
   */
  public Setup fleet(Fleet f) {
    Fleet given = f == null ? Fleet.ALL : f;
    try {
      engine.fleet(given.limit(), given.forks());
    } catch (PlanException e) {
      throw new DslException(e.getMessage().replaceFirst("^plan: ", ""));
    }
    this.fleet = given;
    return this;
  }

  /**
   * Where the setup gets its live hosts (see {@link dev.sixkit.plan.HostSource}); before the first
   * host is opened.
   *
   * @param source the source
   * @return this setup
   */
  public Setup hostSource(dev.sixkit.plan.HostSource source) {
    engine.hosts(source);
    return this;
  }

  /**
   * Which hosts the operations touch and how many at once.
   *
   * @return the fleet; {@link Fleet#ALL} by default
   */
  public Fleet fleet() {
    return fleet;
  }

  /**
   * Where each host's live status goes while hosts are read and changed: (host, "reading"),
   * (host, "apply 3/12"), (host, "apply done, 2 changes"), (host, "apply FAILED: ..."). Called
   * from the hosts' threads.
   *
   * @param sink gets (host, status)
   * @return this setup
   */
  public Setup status(java.util.function.BiConsumer<String, String> sink) {
    engine.status(sink);
    return this;
  }

  /**
   * Stops an apply or undo under way cleanly (Ctrl-C): no step starts after this, the steps under
   * way finish, what was made is recorded for undo and reported. Callable from any thread.
   */
  public void cancel() {
    engine.cancel();
  }

  /**
   * Where progress lines go during apply and undo ("docker1: + route ...").
   *
   * @param sink gets each line
   * @return this setup
   */
  public Setup progress(Consumer<String> sink) {
    engine.progress(sink);
    return this;
  }

  /**
   * The desired state this setup describes (plain values, for the SDK's engine).
   *
   * @return the desired setup
   */
  public DesiredSetup desired() {
    return desired;
  }

  /**
   * The SDK engine doing the work.
   *
   * @return the engine
   */
  public SetupEngine engine() {
    return engine;
  }

  /**
   * The setup's name (its undo record is found by it).
   *
   * @return the name
   */
  public String name() {
    return desired.name();
  }

  /**
   * NDP proxy or routed.
   *
   * @return the mode
   */
  public Mode mode() {
    return desired.mode();
  }

  /**
   * The on-link prefix the hosts share, as text.
   *
   * @return the prefix, such as {@code 2001:db8:ab11::/64}
   */
  public String underlay() {
    return Prefixes.text(desired.underlay());
  }

  /**
   * The hosts, in the order they were described.
   *
   * @return the hosts
   */
  public List<HostEntry> hosts() {
    return desired.hosts();
  }

  /**
   * The hosts' names, in order.
   *
   * @return the names
   */
  public List<String> hostNames() {
    return engine.hostNames();
  }

  /**
   * The file holding the undo record.
   *
   * @return the path
   */
  public Path journalFile() {
    return engine.journalFile();
  }

  /**
   * What {@link #undo()} would revert (everything applied since the last undo), from its record.
   *
   * @return the changes, possibly empty
   */
  public List<Change> lastApplied() {
    return engine.lastApplied();
  }

  /**
   * The live host (opened on first use, closed with the setup).
   *
   * @param hostName the host's name in the setup
   * @return the open host
   * @throws dev.sixkit.plan.PlanException when the setup has no such host
   */
  public Host host(String hostName) {
    try {
      return engine.host(hostName);
    } catch (PlanException e) {
      throw new DslException(e.getMessage().replaceFirst("^plan: ", ""));
    }
  }

  /**
   * Reads every host (in parallel) and returns what {@link #apply()} would change, and what is in the way.
   *
   * @return the plan
   */
  public Plan plan() {
    return engine.plan();
  }

  /**
   * The error an apply of this plan gives when it refuses (a dry run gives the same), or null
   * when the plan has no problems.
   *
   * @param p the plan
   * @return the error, or null
   */
  public static DslException refusal(Plan p) {
    return p.problems().isEmpty() ? null : new DslException(new RefusedException(p).refusal());
  }

  /**
   * Plans and makes the changes, on every host in parallel. Refuses (changing nothing) when the
   * plan has problems.
   *
   * @return what was done, host by host
   * @throws DslException when the plan has problems (nothing changed)
   * @throws ApplyException when a change failed on a host: it says what was changed where
   */
  public ApplyResult apply() {
    try {
      return engine.apply();
    } catch (RefusedException e) {
      throw refusal(e.plan());
    }
  }

  /**
   * Reverts everything applied since the last undo of this setup (by name, from this process or
   * another), newest first, on every host in parallel. Says so when there is nothing to undo.
   *
   * @return what was reverted, host by host
   * @throws ApplyException when reverting failed on a host; what could not be reverted stays recorded
   */
  public ApplyResult undo() {
    try {
      return engine.undo();
    } catch (PlanException e) {
      throw new DslException(e.getMessage().replaceFirst("^plan: ", ""));
    }
  }

  /**
   * From every web container to every other: ping6 and an HTTP GET, through Docker exec. Changes nothing.
   *
   * @return the checks and the hops at fault
   */
  public VerifyReport verify() {
    return engine.verify();
  }

  /** Closes the host connections; the setup cannot be used afterwards. */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("setup " + name() + ": " + Plan.modeText(mode()) + " on " + underlay()
        + (desired.split() != 0 ? ", split /" + desired.split() : "")
        + (desired.persist() != null ? ", persisted under " + desired.persist().root() : ""));
    Table t = Table.of("HOST", "WHERE", "UPLINK", "ADDRESS", "DOCKER", "PREFIX");
    for (HostEntry h : hosts()) {
      t.row(h.name(), h.connector().describe(), h.uplink(), h.address() == null ? "(read)" : h.address(),
          h.docker() == null ? "" : h.docker(), h.prefix() == null ? "" : h.prefix());
    }
    return sb.append('\n').append(t).toString();
  }
}
