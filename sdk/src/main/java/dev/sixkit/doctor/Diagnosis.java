package dev.sixkit.doctor;

import java.util.List;
import java.util.Objects;

/**
 * Why a destination is or is not reachable from a host, reasoned the way the recipes do: the route
 * lookup, the neighbour entry, proxy_ndp and forwarding on the devices involved, the proxy entry
 * on the host that owns the destination's prefix, and the container that holds the address. It
 * ends with a {@link Verdict} and, when something is missing, the {@link Fix}es.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param host the host the question was asked on
 * @param destination the address, canonical
 * @param source the container whose traffic was considered (its return path checked), or ""
 * @param findings what was looked at, in order
 * @param verdict the conclusion
 * @param summary one sentence saying it
 * @param fixes what to do, on which host, as an SDK call and as an {@code ip} command
 */
public record Diagnosis(String host, String destination, String source, List<Finding> findings, Verdict verdict,
    String summary, List<Fix> fixes) {

  /**
   * Copies the lists.
   *
   * @param host as {@link #host()}
   * @param destination as {@link #destination()}
   * @param source as {@link #source()}
   * @param findings as {@link #findings()}
   * @param verdict as {@link #verdict()}
   * @param summary as {@link #summary()}
   * @param fixes as {@link #fixes()}
   * @throws NullPointerException when {@code verdict} is null
   */
  public Diagnosis {
    Objects.requireNonNull(verdict, "verdict");
    findings = List.copyOf(findings);
    fixes = List.copyOf(fixes);
  }

  /**
   * Whether the verdict says traffic gets there.
   *
   * @return true for a verdict that traffic passes
   */
  public boolean reachable() {
    return verdict == Verdict.REACHABLE;
  }

  /** The conclusion of a diagnosis. */
  public enum Verdict {
    /** Every step holds: route, neighbour resolution (or a proxy that will answer), a container holding the address. */
    REACHABLE,
    /** The route lookup finds nothing (the routed recipe's missing static route). */
    NO_ROUTE,
    /** On-link through the uplink, but the host owning the prefix does not answer neighbour solicitations for it. */
    NEEDS_NDP_PROXY,
    /** The next hop (gateway) does not resolve. */
    GATEWAY_UNRESOLVED,
    /** A host on the path does not forward IPv6. */
    FORWARDING_OFF,
    /** The destination's path is fine, but the answers cannot come back to the source container. */
    RETURN_PATH_BROKEN,
    /**
     * Routes, neighbours and proxy entries hold, but a rule of the IPv6 packet filter on the host
     * owning the address (or on the way back) drops the packet from the uplink; the finding names
     * the rule (table, chain, the rule as {@code ip6tables -S} prints it, its packet counter).
     */
    BLOCKED_BY_FIREWALL,
    /** Nothing holds the address: no running container on the host that owns its prefix. */
    NO_CONTAINER,
    /** On-link, unresolved, and no known host owns the address. */
    NEIGHBOUR_UNRESOLVED
  }

  /** What one check found. */
  public enum Status {
    /** The check passed. */
    OK,
    /** Something may get in the way; not proven to. */
    WARN,
    /** The check failed: this stops the traffic. */
    FAIL,
    /** A fact for the reader, neither good nor bad. */
    INFO
  }

  /**
   * One check.
   *
   * <p>Immutable record; thread-safe.
   *
   * @param check what was looked at ("route", "neighbour", "proxy_ndp", "proxy entry", "container", ...)
   * @param host the host it was looked at on
   * @param status how it came out
   * @param detail what was seen, in the words of ip where it applies
   */
  public record Finding(String check, String host, Status status, String detail) {
    @Override
    public String toString() {
      return "[" + status + "] " + host + ": " + check + ": " + detail;
    }
  }

  /**
   * One step of the fix.
   *
   * <p>Immutable record; thread-safe.
   *
   * @param host the host to run it on
   * @param description what it does
   * @param sdkCall the exact SDK call, such as {@code docker1.enableProxyNdp("eth0").proxy("2001:db8::5")}; several
   *     are separated by {@code "; "} (such as a following {@code docker1.sysctl("net.ipv6.neigh.eth0.proxy_delay", "0")})
   * @param ipCommand the same as one shell command line, such as {@code sysctl -w net.ipv6.conf.eth0.proxy_ndp=1
   *     net.ipv6.neigh.eth0.proxy_delay=0 && ip -6 neigh add proxy 2001:db8::5 dev eth0}
   */
  public record Fix(String host, String description, String sdkCall, String ipCommand) {
    @Override
    public String toString() {
      return host + ": " + description + "\n    SDK: " + sdkCall + "\n    ip:  " + ipCommand;
    }
  }

  /**
   * Several lines, as the CLI prints it.
   *
   * @return the text, ending without a newline
   */
  public String render() {
    StringBuilder sb = new StringBuilder("reach " + destination + " from " + host
        + (source.isEmpty() ? "" : " (container " + source + ")") + "\n");
    for (Finding f : findings) {
      sb.append("  ").append(f).append('\n');
    }
    sb.append("verdict: ").append(verdict).append(" - ").append(summary).append('\n');
    if (!fixes.isEmpty()) {
      sb.append("fix:\n");
      for (Fix f : fixes) {
        sb.append("  ").append(f.toString().replace("\n", "\n  ")).append('\n');
      }
    }
    return sb.toString();
  }
}
