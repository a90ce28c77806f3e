package dev.sixkit.dsl.groovy;

import dev.sixkit.dsl.DslException;
import dev.sixkit.dsl.Setup;
import dev.sixkit.dsl.SetupSpec;
import dev.sixkit.dsl.Word;
import dev.sixkit.host.Host;
import dev.sixkit.lab.Lab;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.Table;
import dev.sixkit.plan.VerifyReport;
import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.Script;
import java.io.PrintWriter;
import java.util.List;
import java.nio.charset.StandardCharsets;

/**
 * The base class of every sixkit script and console line: the top-level words of the setup
 * language. A script describes a setup, then works with it:
 *
 * <pre>{@code
 * setup('demo') {
 *   underlay '2001:db8:ab11::/64'
 *   mode ndpProxy
 *   split 66
 *   host('docker1') { netns 'demo-docker1'; uplink 'eth0'; docker 'unix:///run/sixkit/lab/demo/docker1/docker.sock' }
 *   host('docker2') { netns 'demo-docker2'; uplink 'eth0'; docker 'unix:///run/sixkit/lab/demo/docker2/docker.sock' }
 * }
 * plan()      // what would change, as a table; nothing touched
 * apply()     // make it, on all hosts in parallel
 * verify()    // ping6 and HTTP from every web container to every other
 * undo()      // revert what the last apply changed
 * }</pre>
 *
 * <p>Not thread-safe: one script runs on one thread.
 */
public abstract class SixkitScript extends Script {

  /** For the script classes Groovy compiles on this base; the session comes through the binding. */
  public SixkitScript() {}

  /**
   * A word that takes nothing may be written without parentheses, as completion inserts it:
   * {@code plan} is {@code plan()}. Variables of the script come first.
   */
  @Override
  public Object getProperty(String property) {
    try {
      return super.getProperty(property);
    } catch (groovy.lang.MissingPropertyException e) {
      if (dev.sixkit.dsl.Words.find(SixkitScript.class, property) != null) {
        try {
          getClass().getMethod(property);
        } catch (NoSuchMethodException none) {
          throw e;
        }
        return invokeMethod(property, new Object[0]);
      }
      throw e;
    }
  }

  /**
   * Groovy's own {@code sleep} sleeps on through an interrupt; this one ends at Ctrl-C (the
   * console interrupts the line's thread), as every other wait of the SDK does.
   *
   * @param millis how long, in milliseconds
   */
  public void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DslException("interrupted", e);
    }
  }

  /**
   * The session this script runs in (made on first use when the binding has none).
   *
   * @return the session
   */
  protected DslSession session() {
    if (!getBinding().hasVariable(DslSession.VARIABLE)) {
      getBinding().setVariable(DslSession.VARIABLE,
          new DslSession(new PrintWriter(System.out, true, StandardCharsets.UTF_8), true, false));
    }
    return (DslSession) getBinding().getVariable(DslSession.VARIABLE);
  }

  /**
   * {@code setup('name') { ... }}: describes a setup (underlay, mode, split, host, persist) and makes it the
   * current one.
   *
   * @param name the setup's name
   * @param body the setup block
   * @return the setup, not applied
   * @throws DslException naming the line of a wrong word or value
   */
  @Word(value = "setup('name') { ... }", help = "describe a setup: underlay, mode, split, host, persist")
  public Setup setup(String name,
      @DelegatesTo(value = SetupSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
    Setup s = Setup.of(spec -> {
      spec.name(name);
      DslExtensions.call(body, spec);
    });
    DslSession session = session();
    s.progress(m -> session.print("  " + m));
    session.add(s);
    return s;
  }

  /**
   * A setup named "sixkit".
   *
   * @param body the setup block
   * @return the setup, not applied
   * @throws DslException naming the line of a wrong word or value
   */
  @Word(value = "setup { ... }", help = "describe a setup: underlay, mode, split, host, persist")
  public Setup setup(@DelegatesTo(value = SetupSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
    Setup s = Setup.of(spec -> DslExtensions.call(body, spec));
    DslSession session = session();
    s.progress(m -> session.print("  " + m));
    session.add(s);
    return s;
  }

  private Setup current(String word) {
    Setup s = session().current();
    if (s == null) {
      throw new DslException(word + "() needs a setup first: setup { underlay '...'; mode ...; host('...') { ... } }");
    }
    return s;
  }

  /**
   * {@code plan()}: reads every host and shows what apply() would change; changes nothing.
   *
   * @return the plan
   * @throws DslException when no setup was described
   */
  @Word(value = "plan()", help = "read every host and show what apply() would change; changes nothing")
  public Plan plan() {
    Plan p = current("plan").plan();
    if (!p.problems().isEmpty()) {
      // A plan with problems fails the run (exit 1, "ok": false), as the apply it announces would.
      session().failed("plan of setup " + p.setup() + " has problems");
    }
    if (session().echo()) {
      session().print(p);
      session().planned(p.toString());
    }
    return p;
  }

  /**
   * {@code apply()}: makes the planned changes on every host in parallel; a second apply changes nothing.
   * With {@code --plan} it only plans.
   *
   * @return the {@link dev.sixkit.plan.ApplyResult}, or the {@link Plan} with {@code --plan}
   * @throws DslException when no setup was described, or the plan has problems (nothing changed)
   */
  @Word(value = "apply()", help = "make the planned changes on every host in parallel (a second apply changes nothing)")
  public Object apply() {
    DslSession s = session();
    if (s.planOnly()) {
      Plan p = current("apply").plan();
      DslException refused = Setup.refusal(p);
      if (refused != null) {
        throw refused; // the dry run refuses exactly when the run would, with the same error
      }
      if (!p.toString().equals(s.lastPlan())) {
        s.print(p);
        s.planned(p.toString());
      }
      s.print("apply: not applied (--plan): " + (p.changes().isEmpty() ? "nothing to change"
          : "it would make the " + p.changes().size() + " changes planned above"));
      return p;
    }
    ApplyResult r = current("apply").apply();
    if (s.echo()) {
      s.print(r);
    }
    return r;
  }

  /**
   * {@code verify()}: ping6 and HTTP from every web container to every other; a failed check is a session
   * failure.
   *
   * @return the {@link dev.sixkit.plan.VerifyReport}, or null when skipped ({@code --plan}, or a limit of one
   * host)
   * @throws DslException when no setup was described
   */
  @Word(value = "verify()", help = "ping6 and HTTP from every web container to every other")
  public Object verify() {
    DslSession s = session();
    if (s.planOnly()) {
      s.print("verify: skipped (--plan)");
      return null;
    }
    List<String> limit = current("verify").fleet().limit();
    if (limit.size() == 1) {
      s.print("verify: skipped (--limit " + limit.get(0) + ": it takes two hosts to verify between)");
      return null;
    }
    VerifyReport r = current("verify").verify();
    if (!r.ok()) {
      s.failed("verify of setup " + current("verify").name());
    }
    if (s.echo()) {
      s.print(r);
    }
    return r;
  }

  /**
   * {@code undo()}: reverts what the last apply of this setup changed. With {@code --plan} it only lists it.
   *
   * @return the {@link dev.sixkit.plan.ApplyResult}, or the changes it would revert with {@code --plan}
   * @throws DslException when no setup was described
   */
  @Word(value = "undo()", help = "revert what the last apply of this setup changed")
  public Object undo() {
    DslSession s = session();
    Setup setup = current("undo");
    if (s.planOnly()) {
      var last = setup.lastApplied();
      s.print(last.isEmpty() ? "undo: nothing to undo for setup " + setup.name()
          : "undo (--plan): would revert " + last.size() + " changes:\n" + Table.from(last));
      return last;
    }
    ApplyResult r = setup.undo();
    if (s.echo()) {
      s.print(r);
    }
    return r;
  }

  /**
   * {@code host('docker1')}: the live host of the current setup.
   *
   * @param name the host's name in the setup
   * @return the open host
   * @throws DslException when no setup was described
   */
  @Word(value = "host('docker1')", help = "the live Host of the current setup: interfaces(), routes(), proxyEntries(), docker()...")
  public Host host(String name) {
    return current("host").host(name);
  }

  /**
   * {@code lab('name')}: a running lab ({@code ./sixkit lab up}).
   *
   * @param name the lab's name
   * @return the lab
   */
  @Word(value = "lab('name')", help = "a running lab (./sixkit lab up): its hosts, namespaces and Docker endpoints")
  public Lab lab(String name) {
    return Lab.attach(name);
  }

  /**
   * {@code table(values)}: records, maps or lists as a table.
   *
   * @param values what to tabulate
   * @return a new table
   */
  @Word(value = "table(values)", help = "records, maps or lists as a table")
  public Table table(Object values) {
    return Table.from(values);
  }

  /**
   * {@code mode routed}.
   *
   * @return {@link Mode#ROUTED}
   */
  public Mode getRouted() {
    return Mode.ROUTED;
  }

  /**
   * {@code mode ndpProxy}.
   *
   * @return {@link Mode#NDP_PROXY}
   */
  public Mode getNdpProxy() {
    return Mode.NDP_PROXY;
  }
}
