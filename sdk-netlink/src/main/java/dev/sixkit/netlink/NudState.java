package dev.sixkit.netlink;

/**
 * Neighbour unreachability detection states (NUD_*), as {@code ip neigh} names them.
 *
 * <p>Immutable; thread-safe.
 */
public enum NudState {
  /** No state (proxy entries, or an entry being made). */
  NONE(0x00),
  /** Resolution in progress: a solicitation was sent, no answer yet. */
  INCOMPLETE(0x01),
  /** Confirmed reachable recently. */
  REACHABLE(0x02),
  /** Reachable once, not confirmed lately; confirmed on next use. */
  STALE(0x04),
  /** Waiting a little for upper-layer confirmation before probing. */
  DELAY(0x08),
  /** Probing by unicast solicitations. */
  PROBE(0x10),
  /** Resolution failed: no answer. */
  FAILED(0x20),
  /** No resolution needed (such as a point-to-point link). */
  NOARP(0x40),
  /** Static: set by hand, never expires. */
  PERMANENT(0x80);

  private final int bit;

  NudState(int bit) {
    this.bit = bit;
  }

  /**
   * The kernel's bit for this state.
   *
   * @return the NUD_* bit
   */
  public int bit() {
    return bit;
  }

  /**
   * The state for a kernel ndm_state value (the lowest set bit wins; 0 is NONE).
   *
   * @param state the ndm_state value
   * @return the state
   */
  public static NudState of(int state) {
    for (NudState s : values()) {
      if (s.bit != 0 && (state & s.bit) != 0) {
        return s;
      }
    }
    return NONE;
  }
}
