package dev.sixkit.netlink;

/**
 * Neighbour unreachability detection states (NUD_*), as {@code ip neigh} names them.
 *
 * <p>Immutable; thread-safe.
 */
public enum NudState {
  NONE(0x00),
  INCOMPLETE(0x01),
  REACHABLE(0x02),
  STALE(0x04),
  DELAY(0x08),
  PROBE(0x10),
  FAILED(0x20),
  NOARP(0x40),
  PERMANENT(0x80);

  private final int bit;

  NudState(int bit) {
    this.bit = bit;
  }

  /** The kernel's bit for this state. */
  public int bit() {
    return bit;
  }

  /** The state for a kernel ndm_state value (the lowest set bit wins; 0 is NONE). */
  public static NudState of(int state) {
    for (NudState s : values()) {
      if (s.bit != 0 && (state & s.bit) != 0) {
        return s;
      }
    }
    return NONE;
  }
}
