package dev.sixkit.plan;

import dev.sixkit.SixkitException;

/**
 * An apply that refused because its plan has problems (a host out of reach, a dockerd that
 * disagrees with the plan...): nothing was changed on any host. {@link #plan()} has the plan and
 * its problems.
 *
 * <p>Immutable; thread-safe.
 */
public class RefusedException extends SixkitException {
  private static final long serialVersionUID = 1L;

  private final transient Plan plan;

  /**
   * The refusal of a plan with problems.
   *
   * @param plan the plan
   */
  public RefusedException(Plan plan) {
    super("cannot apply", "setup " + plan.setup(), "nothing was changed:\n  " + String.join("\n  ", plan.problems()));
    this.plan = plan;
  }

  /**
   * The plan that has problems.
   *
   * @return the plan
   */
  public Plan plan() {
    return plan;
  }

  /**
   * The text scripts print: "cannot apply setup NAME, nothing was changed:" and the problems.
   *
   * @return the text
   */
  public String refusal() {
    return "cannot apply setup " + plan.setup() + ", nothing was changed:\n  " + String.join("\n  ", plan.problems());
  }
}
