package dev.sixkit.plan;

import java.util.List;

/**
 * What {@link SetupEngine#verify()} saw: from every web container to every other, whether ping6 and
 * HTTP answered. Prints as a table.
 *
 * <p>Immutable; thread-safe.
 */
public final class VerifyReport {
  /**
   * One pair.
   *
   * @param from "docker1/web1"
   * @param to "docker2/web2"
   * @param toAddress the address tried
   * @param ping whether ping6 answered
   * @param pingDetail the round trip time, or why not
   * @param http whether an HTTP GET answered
   * @param httpDetail the first line of the page, or why not
   */
  public record Check(String from, String to, String toAddress, boolean ping, String pingDetail, boolean http,
      String httpDetail) {
    /**
     * Whether ping6 and HTTP both answered.
     *
     * @return true when both did
     */
    public boolean ok() {
      return ping && http;
    }
  }

  private final String setup;
  private final List<Check> checks;
  private final List<String> problems;
  private final List<String> hops;
  private final long millis;

  /**
   * A report with no hops at fault.
   *
   * @param setup the setup's name
   * @param checks the pairs checked
   * @param problems what kept checks from running
   * @param millis how long it took, in milliseconds
   */
  public VerifyReport(String setup, List<Check> checks, List<String> problems, long millis) {
    this(setup, checks, problems, List.of(), millis);
  }

  /**
   * A report with, for the pairs that failed, the hops at fault.
   *
   * @param hops for failed pairs, the hop that does not do what the plan says ("docker1: 2001:db8:ef11::/64
   *     goes via ... (wins the lookup), the plan says via ...")
   * @param setup the setup's name
   * @param checks the pairs checked
   * @param problems what kept checks from running
   * @param millis how long it took, in milliseconds
   */
  public VerifyReport(String setup, List<Check> checks, List<String> problems, List<String> hops, long millis) {
    this.setup = setup;
    this.checks = List.copyOf(checks);
    this.problems = List.copyOf(problems);
    this.hops = List.copyOf(hops);
    this.millis = millis;
  }

  /**
   * For the pairs that failed: which hop does not do what the plan says, one line each.
   *
   * @return the lines, possibly empty
   */
  public List<String> hops() {
    return hops;
  }

  /**
   * The setup verified.
   *
   * @return the name
   */
  public String setup() {
    return setup;
  }

  /**
   * The pairs checked.
   *
   * @return the checks
   */
  public List<Check> checks() {
    return checks;
  }

  /**
   * What kept checks from running (no containers, no Docker endpoint...).
   *
   * @return the problems, possibly empty
   */
  public List<String> problems() {
    return problems;
  }

  /**
   * Whether every pair answered both ways and nothing was in the way.
   *
   * @return true when all passed
   */
  public boolean ok() {
    return problems.isEmpty() && !checks.isEmpty() && checks.stream().allMatch(Check::ok);
  }

  /**
   * The checks as a table: FROM, TO, ADDRESS, PING6, HTTP.
   *
   * @return a new table
   */
  public Table table() {
    Table t = Table.of("FROM", "TO", "ADDRESS", "PING6", "HTTP");
    for (Check c : checks) {
      t.row(c.from(), c.to(), c.toAddress(), (c.ping() ? "ok " : "FAIL ") + c.pingDetail(),
          (c.http() ? "ok " : "FAIL ") + c.httpDetail());
    }
    return t;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (!checks.isEmpty()) {
      sb.append(table()).append('\n');
    }
    long good = checks.stream().filter(Check::ok).count();
    sb.append(ok() ? "verify: " : "verify FAILED: ").append(good).append(" of ").append(checks.size())
        .append(checks.size() == 1 ? " pair" : " pairs").append(" answer ping6 and HTTP (setup ").append(setup)
        .append(", ").append(millis).append(" ms)");
    problems.forEach(p -> sb.append("\n  ").append(p));
    hops.forEach(h -> sb.append("\n  hop ").append(h));
    return sb.toString();
  }
}
