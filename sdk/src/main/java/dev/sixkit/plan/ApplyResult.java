package dev.sixkit.plan;

import dev.sixkit.host.Change;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an apply (or an undo) did, host by host: the changes made, where it failed and why, and
 * what it did not get to. Prints as a table.
 *
 * <p>Immutable; thread-safe.
 */
public final class ApplyResult {
  private final String verb;
  private final String setup;
  private final List<String> hosts;
  private final Map<String, List<Change>> done;
  private final Map<String, String> failed;
  private final Map<String, List<Change>> notDone;
  private final long millis;

  /**
   * A result; the collections are copied.
   *
   * @param verb "apply" or "undo"
   * @param setup the setup's name
   * @param hosts the hosts touched, in the setup's order
   * @param done per host, the changes made
   * @param failed per host that failed, the change it failed on and why
   * @param notDone per host that failed, the changes it did not get to
   * @param millis how long it took, in milliseconds
   */
  public ApplyResult(String verb, String setup, List<String> hosts, Map<String, List<Change>> done,
      Map<String, String> failed, Map<String, List<Change>> notDone, long millis) {
    this.verb = verb;
    this.setup = setup;
    this.hosts = List.copyOf(hosts);
    this.done = copy(done);
    this.failed = Map.copyOf(failed);
    this.notDone = copy(notDone);
    this.millis = millis;
  }

  private static Map<String, List<Change>> copy(Map<String, List<Change>> m) {
    Map<String, List<Change>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return out;
  }

  /**
   * "apply" or "undo".
   *
   * @return the verb
   */
  public String verb() {
    return verb;
  }

  /**
   * The setup's name.
   *
   * @return the name
   */
  public String setup() {
    return setup;
  }

  /**
   * Every change made, host by host (changes found already made are left out).
   *
   * @return the changes, possibly empty
   */
  public List<Change> changes() {
    List<Change> out = new ArrayList<>();
    for (String h : hosts) {
      out.addAll(done.getOrDefault(h, List.of()));
    }
    return out;
  }

  /**
   * The changes made on one host.
   *
   * @param host the host's name
   * @return the changes, empty for a host with none or not in the result
   */
  public List<Change> changes(String host) {
    return done.getOrDefault(host, List.of());
  }

  /**
   * Hosts where it failed, with the change it failed on and why.
   *
   * @return host name to reason, empty when nothing failed
   */
  public Map<String, String> failures() {
    return failed;
  }

  /**
   * Changes it did not get to because an earlier one on the same host failed.
   *
   * @return the changes not attempted, possibly empty
   */
  public List<Change> notDone() {
    List<Change> out = new ArrayList<>();
    for (String h : hosts) {
      out.addAll(notDone.getOrDefault(h, List.of()));
    }
    return out;
  }

  /**
   * Whether it succeeded on every host.
   *
   * @return true when no host failed
   */
  public boolean ok() {
    return failed.isEmpty();
  }

  /**
   * Whether nothing needed changing.
   *
   * @return true when no change was made and none failed
   */
  public boolean nothingToDo() {
    return failed.isEmpty() && changes().isEmpty() && notDone().isEmpty();
  }

  /**
   * The changes as a table: HOST, CHANGE (+ - ~), OBJECT, BEFORE, AFTER.
   *
   * @return a new table
   */
  public Table table() {
    return Plan.changeTable(changes());
  }

  @Override
  public String toString() {
    if (nothingToDo()) {
      return verb.equals("apply")
          ? "apply: nothing to change on " + String.join(", ", hosts) + ": already as planned (setup " + setup + ")"
          : "undo: nothing to undo for setup " + setup;
    }
    StringBuilder sb = new StringBuilder();
    List<Change> all = changes();
    if (!all.isEmpty()) {
      sb.append(table()).append('\n');
    }
    List<String> per = new ArrayList<>();
    for (String h : hosts) {
      per.add(h + " " + done.getOrDefault(h, List.of()).size());
    }
    sb.append(verb).append(ok() ? ": " : " FAILED: ").append(all.size()).append(all.size() == 1 ? " change" : " changes")
        .append(" made (").append(String.join(", ", per)).append(") in ").append(millis).append(" ms");
    failed.forEach((h, why) -> sb.append("\n  failed on ").append(h).append(": ").append(why));
    for (String h : hosts) {
      for (Change c : notDone.getOrDefault(h, List.of())) {
        sb.append("\n  not done on ").append(h).append(": ").append(c.kind().sign()).append(' ').append(c.object());
      }
    }
    if (!ok() && verb.equals("apply")) {
      sb.append(all.isEmpty() ? "\n  nothing was changed on any host" : "\n  undo() reverts what was made");
    }
    return sb.toString();
  }
}
