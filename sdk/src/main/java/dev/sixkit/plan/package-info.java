/**
 * Multi-host IPv6 setups as plans: {@link dev.sixkit.plan.Planner} lays out the Docker prefixes
 * (NDP proxy: the shared /64 split; routed: a prefix per host and static routes),
 * {@link dev.sixkit.plan.HostReader} reads each host into a {@link dev.sixkit.plan.HostState}, the
 * pure {@link dev.sixkit.plan.Diff} turns a {@link dev.sixkit.plan.DesiredSetup} and the states into
 * a {@link dev.sixkit.plan.Plan} of {@link dev.sixkit.plan.Step}s, and
 * {@link dev.sixkit.plan.SetupEngine} plans, applies (recording what it changed in a
 * {@link dev.sixkit.plan.Journal} for undo), undoes and verifies (ping6 and HTTP between
 * containers), on every host in parallel.
 *
 * <p>A plan with problems is refused before anything changes ({@link dev.sixkit.plan.RefusedException});
 * a failure while applying says what was changed where ({@link dev.sixkit.plan.ApplyException}).
 */
package dev.sixkit.plan;
