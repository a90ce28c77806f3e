package dev.sixkit.samples;

import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.DesiredSetup;
import dev.sixkit.plan.HostConnector;
import dev.sixkit.plan.HostEntry;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.SetupEngine;
import dev.sixkit.plan.VerifyReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The routed recipe as a desired state, with the SDK's engine alone (dependency dev.sixkit:sdk;
 * no Groovy, no scripting jar): plan, apply, verify, undo on a routed lab. Each host gets a static
 * route to every other host's Docker prefix via that host's underlay address.
 *
 * <pre>
 *   ./sixkit lab up --name demo --mode routed
 *   java -cp "samples/target/classes:samples/target/sample-lib/*" dev.sixkit.samples.RoutedSetup demo
 * </pre>
 *
 * <p>Exit status: 0 verify passed and undo restored the hosts, 1 otherwise, 2 usage. Not
 * thread-safe; one run at a time.
 */
public final class RoutedSetup {
  private RoutedSetup() {}

  /** Runs plan, apply, verify and undo; returns the exit status. */
  static int run(String labName, String stateDir, PrintStream out) {
    Lab lab = Lab.attach(labName);
    List<HostEntry> hosts = new ArrayList<>();
    for (LabHost h : lab.hosts()) {
      hosts.add(new HostEntry(h.name(), HostConnector.netns(h.netns()), h.uplink(), null, h.dockerEndpoint(),
          h.dockerPrefix(), List.of(), ""));
    }
    DesiredSetup want = new DesiredSetup(labName, Mode.ROUTED, Prefixes.prefix("2001:db8:ab11::/64"), 0, hosts, null,
        stateDir);
    try (SetupEngine s = new SetupEngine(want).progress(out::println)) {
      Plan plan = s.plan();
      out.println(plan);
      ApplyResult applied = s.apply();
      out.println(applied);
      VerifyReport report = s.verify();
      out.println(report);
      ApplyResult undone = s.undo();
      out.println(undone);
      boolean scriptingAbsent;
      try {
        Class.forName("dev.sixkit.dsl.Setup");
        scriptingAbsent = false;
      } catch (ClassNotFoundException e) {
        scriptingAbsent = true;
      }
      out.println("scripting on the class path: " + (scriptingAbsent ? "no" : "yes"));
      return report.ok() && undone.ok() ? 0 : 1;
    }
  }

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: RoutedSetup LAB [STATE_DIR]");
      System.exit(2);
    }
    System.exit(run(args[0], args.length > 1 ? args[1] : "/var/lib/sixkit/dsl", System.out));
  }
}
