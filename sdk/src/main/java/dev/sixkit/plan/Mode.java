package dev.sixkit.plan;


/**
 * How containers on different Docker hosts reach each other over IPv6 (the two recipes: routed, NDP proxy).
 *
 * <p>Immutable; thread-safe.
 */
public enum Mode {
  /** Each host's Docker prefix is routed: every host has a static route to every other's prefix. */
  ROUTED,
  /**
   * The hosts' shared on-link /64 is split; each host answers neighbour solicitations for its
   * containers (proxy_ndp plus one proxy entry per container), since the upstream network cannot
   * learn new prefixes.
   */
  NDP_PROXY
}
