package dev.sixkit.plan;

import dev.sixkit.host.Change;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code Setup.apply()} would change, host by host, read from the hosts without touching
 * them: each change with its value before and after, and the problems that stop an apply (a
 * missing uplink, a daemon running with another Docker prefix...). Prints as tables.
 *
 * <p>Immutable; thread-safe.
 */
public final class Plan {
  /**
   * One host as the plan sees it.
   *
   * @param host its name
   * @param where how it is reached ("netns lab-docker1")
   * @param uplink its uplink
   * @param address its underlay address ("" when unknown)
   * @param dockerPrefix its planned Docker prefix ("" when the plan failed)
   * @param dockerd what its daemon runs with, and whether that agrees
   */
  public record HostLine(String host, String where, String uplink, String address, String dockerPrefix,
      String dockerd) {}

  private final String setup;
  private final Mode mode;
  private final String underlay;
  private final NetworkPlan network;
  private final List<HostLine> hosts;
  private final Map<String, List<Step>> steps;
  private final List<String> problems;

  /**
   * A plan; {@link Diff#plan} makes them.
   *
   * @param setup the setup's name
   * @param mode the setup's mode
   * @param underlay the underlay prefix as text
   * @param network the prefix plan, or null when the hosts could not be planned
   * @param hosts one line per host
   * @param steps per host, the steps in apply order
   * @param problems what stops an apply
   */
  public Plan(String setup, Mode mode, String underlay, NetworkPlan network, List<HostLine> hosts,
      Map<String, List<Step>> steps, List<String> problems) {
    this.setup = setup;
    this.mode = mode;
    this.underlay = underlay;
    this.network = network;
    this.hosts = List.copyOf(hosts);
    Map<String, List<Step>> copy = new LinkedHashMap<>();
    steps.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.steps = copy;
    this.problems = List.copyOf(problems);
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
   * The setup's mode.
   *
   * @return the mode
   */
  public Mode mode() {
    return mode;
  }

  /**
   * The prefix plan (Docker prefixes, routes), when the hosts could be planned.
   *
   * @return the network plan, or empty
   */
  public Optional<NetworkPlan> network() {
    return Optional.ofNullable(network);
  }

  /**
   * One line per host, in the setup's order.
   *
   * @return the lines
   */
  public List<HostLine> hosts() {
    return hosts;
  }

  /**
   * Every change, host by host in the setup's order.
   *
   * @return the changes, possibly empty
   */
  public List<Change> changes() {
    List<Change> out = new ArrayList<>();
    steps.forEach((h, l) -> l.forEach(s -> out.add(s.planned(h))));
    return out;
  }

  /**
   * The changes on one host.
   *
   * @param host the host's name
   * @return the changes, empty for a host with none
   */
  public List<Change> changes(String host) {
    return steps.getOrDefault(host, List.of()).stream().map(s -> s.planned(host)).toList();
  }

  /**
   * What stops an apply; empty when it may go ahead.
   *
   * @return the problems, possibly empty
   */
  public List<String> problems() {
    return problems;
  }

  /**
   * Whether there is nothing to change (and nothing in the way).
   *
   * @return true when there is no change and no problem
   */
  public boolean isEmpty() {
    return problems.isEmpty() && steps.values().stream().allMatch(List::isEmpty);
  }

  /**
   * Whether an apply may go ahead.
   *
   * @return true when there is no problem
   */
  public boolean ok() {
    return problems.isEmpty();
  }

  /**
   * The steps per host, in apply order.
   *
   * @return host name to steps
   */
  public Map<String, List<Step>> steps() {
    return steps;
  }

  /**
   * The changes as a table: HOST, CHANGE (+ - ~), OBJECT, BEFORE, AFTER.
   *
   * @return a new table
   */
  public Table table() {
    return changeTable(changes());
  }

  static Table changeTable(List<Change> changes) {
    Table t = Table.of("HOST", "CHANGE", "OBJECT", "BEFORE", "AFTER");
    for (Change c : changes) {
      t.row(c.host(), c.kind().sign(), c.object(), c.before(), c.after());
    }
    return t;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("plan for setup " + setup + ": " + modeText(mode) + " on " + underlay);
    if (network != null) {
      sb.append(network.mode() == Mode.NDP_PROXY && !network.hosts().isEmpty()
          ? ", Docker prefixes /" + network.hosts().get(0).dockerPrefix().getPrefixLength() : "");
    }
    sb.append('\n');
    Table ht = Table.of("HOST", "WHERE", "UPLINK", "ADDRESS", "DOCKER PREFIX", "DOCKERD");
    hosts.forEach(h -> ht.row(h.host(), h.where(), h.uplink(), h.address(), h.dockerPrefix(), h.dockerd()));
    sb.append(ht).append("\n\n");
    List<Change> all = changes();
    if (all.isEmpty()) {
      sb.append("no changes: every host is already as planned");
    } else {
      sb.append(table()).append('\n');
      List<String> per = new ArrayList<>();
      steps.forEach((h, l) -> per.add(h + " " + l.size()));
      sb.append(all.size()).append(all.size() == 1 ? " change" : " changes").append(" (").append(String.join(", ", per))
          .append("); nothing is changed until apply()");
    }
    if (!problems.isEmpty()) {
      sb.append("\n\nPROBLEMS (apply() refuses until they are fixed):");
      problems.forEach(p -> sb.append("\n  ").append(p));
    }
    return sb.toString();
  }

  /**
   * The mode as plans print it.
   *
   * @param m the mode
   * @return "NDP proxy" or "routed"
   */
  public static String modeText(Mode m) {
    return m == Mode.NDP_PROXY ? "NDP proxy" : "routed";
  }

  static String prefixText(inet.ipaddr.ipv6.IPv6Address p) {
    return p == null ? "" : Prefixes.text(p);
  }
}
