package dev.sixkit.cli;

import dev.sixkit.host.Change;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.VerifyReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sixkit run --json}: what a script's steps returned (plans, apply and undo results,
 * verify reports) as one JSON document, for automation; notes and progress go to stderr. Not
 * thread-safe: one run fills one report.
 */
final class RunReport {
  private final String script;
  private final boolean planOnly;
  private final List<Map<String, Object>> steps = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  RunReport(String script, boolean planOnly) {
    this.script = script;
    this.planOnly = planOnly;
  }

  /** One thing a step printed; returns the text to show as a note, if it is one. */
  String add(Object o) {
    if (o instanceof Plan p) {
      Map<String, Object> m = step("plan", p.setup(), p.ok());
      m.put("mode", p.mode().name().toLowerCase());
      m.put("hosts", p.hosts());
      m.put("changes", changes(p.changes()));
      m.put("problems", p.problems());
      steps.add(m);
    } else if (o instanceof ApplyResult r) {
      Map<String, Object> m = step(r.verb(), r.setup(), r.ok());
      m.put("changes", changes(r.changes()));
      m.put("failures", r.failures());
      m.put("notDone", changes(r.notDone()));
      steps.add(m);
    } else if (o instanceof VerifyReport v) {
      Map<String, Object> m = step("verify", v.setup(), v.ok());
      List<Map<String, Object>> checks = new ArrayList<>();
      for (VerifyReport.Check c : v.checks()) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("from", c.from());
        k.put("to", c.to());
        k.put("toAddress", c.toAddress());
        k.put("ping", c.ping());
        k.put("pingDetail", c.pingDetail());
        k.put("http", c.http());
        k.put("httpDetail", c.httpDetail());
        checks.add(k);
      }
      m.put("checks", checks);
      m.put("problems", v.problems());
      steps.add(m);
    } else {
      String text = String.valueOf(o);
      notes.add(text);
      return text;
    }
    return null;
  }

  private static Map<String, Object> step(String step, String setup, boolean ok) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
    m.put("setup", setup);
    m.put("ok", ok);
    return m;
  }

  private static List<Map<String, Object>> changes(List<Change> changes) {
    return changes.stream().map(NdpCommand::changeJson).toList();
  }

  /** The whole report; {@code error} is the script's failure (null when it ran to the end). */
  Map<String, Object> toJson(boolean ok, List<String> failures, String error) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("script", script);
    m.put("planOnly", planOnly);
    m.put("ok", ok);
    m.put("steps", steps);
    m.put("failures", failures);
    m.put("notes", notes);
    if (error != null) {
      m.put("error", error);
    }
    return m;
  }
}
