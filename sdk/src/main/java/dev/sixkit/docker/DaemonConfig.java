package dev.sixkit.docker;

import dev.sixkit.SixkitException;
import dev.sixkit.doctor.Fact;
import dev.sixkit.internal.docker.DaemonJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The dockerd settings the Engine API does not report, as given on a daemon's command line
 * and/or in its daemon.json. {@link Docker#daemon(DaemonConfig)} merges them with what the
 * Engine reports. Only the settings Sixkit cares about are kept: --ipv6, --fixed-cidr-v6,
 * --userland-proxy, --ip6tables, --experimental, --ip-forward.
 *
 * <p>Immutable; thread-safe.
 */
public final class DaemonConfig {
  private static final DaemonConfig NONE = new DaemonConfig(null, null, null, null, null, null);

  private final Fact<Boolean> ipv6;
  private final Fact<String> fixedCidrV6;
  private final Fact<Boolean> userlandProxy;
  private final Fact<Boolean> ip6tables;
  private final Fact<Boolean> experimental;
  private final Fact<Boolean> ipForward;

  private DaemonConfig(Fact<Boolean> ipv6, Fact<String> fixedCidrV6, Fact<Boolean> userlandProxy,
      Fact<Boolean> ip6tables, Fact<Boolean> experimental, Fact<Boolean> ipForward) {
    this.ipv6 = ipv6;
    this.fixedCidrV6 = fixedCidrV6;
    this.userlandProxy = userlandProxy;
    this.ip6tables = ip6tables;
    this.experimental = experimental;
    this.ipForward = ipForward;
  }

  /**
   * Nothing given: every setting the Engine does not report is Docker's default.
   *
   * @return the empty configuration (one shared instance)
   */
  public static DaemonConfig none() {
    return NONE;
  }

  /**
   * Reads dockerd's command line (with or without the leading "dockerd"). Accepts {@code --flag},
   * {@code --flag=value} and {@code --flag value} forms; other flags are ignored.
   *
   * @param args the command line split into words, as /proc/PID/cmdline gives it
   * @return the settings found; those not on the line are unset
   * @throws SixkitException when a boolean flag has a value that is not true or false, or
   *     --fixed-cidr-v6 has no value
   * @throws NullPointerException if {@code args} is null
   */
  public static DaemonConfig fromArgs(List<String> args) {
    Objects.requireNonNull(args, "args");
    Fact<Boolean> ipv6 = null;
    Fact<String> cidr = null;
    Fact<Boolean> proxy = null;
    Fact<Boolean> ip6t = null;
    Fact<Boolean> exp = null;
    Fact<Boolean> fwd = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        continue;
      }
      int eq = a.indexOf('=');
      String flag = eq < 0 ? a.substring(2) : a.substring(2, eq);
      String value = eq < 0 ? null : a.substring(eq + 1);
      switch (flag) {
        case "ipv6" -> ipv6 = new Fact<>(bool(flag, value), Fact.Source.COMMAND_LINE);
        case "userland-proxy" -> proxy = new Fact<>(bool(flag, value), Fact.Source.COMMAND_LINE);
        case "ip6tables" -> ip6t = new Fact<>(bool(flag, value), Fact.Source.COMMAND_LINE);
        case "experimental" -> exp = new Fact<>(bool(flag, value), Fact.Source.COMMAND_LINE);
        case "ip-forward" -> fwd = new Fact<>(bool(flag, value), Fact.Source.COMMAND_LINE);
        case "fixed-cidr-v6" -> {
          if (value == null) {
            if (i + 1 >= args.size()) {
              throw new SixkitException("read dockerd command line", "--fixed-cidr-v6", "the flag has no value");
            }
            value = args.get(++i);
          }
          cidr = new Fact<>(value, Fact.Source.COMMAND_LINE);
        }
        default -> { }
      }
    }
    return new DaemonConfig(ipv6, cidr, proxy, ip6t, exp, fwd);
  }

  private static boolean bool(String flag, String value) {
    if (value == null) {
      return true;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "t" -> true;
      case "false", "0", "f" -> false;
      default -> throw new SixkitException("read dockerd command line", "--" + flag,
          "'" + value + "' is not true or false");
    };
  }

  /**
   * Reads a daemon.json document (keys "ipv6", "fixed-cidr-v6", "userland-proxy", "ip6tables",
   * "experimental", "ip-forward"; others are ignored).
   *
   * @param json the file's text
   * @return the settings found; those not in the document are unset
   * @throws SixkitException when the text is not a JSON object or a key has the wrong type
   */
  public static DaemonConfig fromDaemonJson(String json) {
    DaemonJson d = DaemonJson.parse(json);
    return new DaemonConfig(
        d.bool("ipv6").map(v -> new Fact<>(v, Fact.Source.DAEMON_JSON)).orElse(null),
        d.string("fixed-cidr-v6").map(v -> new Fact<>(v, Fact.Source.DAEMON_JSON)).orElse(null),
        d.bool("userland-proxy").map(v -> new Fact<>(v, Fact.Source.DAEMON_JSON)).orElse(null),
        d.bool("ip6tables").map(v -> new Fact<>(v, Fact.Source.DAEMON_JSON)).orElse(null),
        d.bool("experimental").map(v -> new Fact<>(v, Fact.Source.DAEMON_JSON)).orElse(null),
        d.bool("ip-forward").map(v -> new Fact<>(v, Fact.Source.DAEMON_JSON)).orElse(null));
  }

  /**
   * This configuration with {@code other}'s settings filling the gaps: the command line first,
   * daemon.json second (dockerd itself refuses to start when both set the same key).
   *
   * @param other the configuration to take unset settings from
   * @return the merged configuration
   * @throws NullPointerException if {@code other} is null
   */
  public DaemonConfig orElse(DaemonConfig other) {
    return new DaemonConfig(first(ipv6, other.ipv6), first(fixedCidrV6, other.fixedCidrV6),
        first(userlandProxy, other.userlandProxy), first(ip6tables, other.ip6tables),
        first(experimental, other.experimental), first(ipForward, other.ipForward));
  }

  private static <T> T first(T a, T b) {
    return a != null ? a : b;
  }

  /**
   * The --ipv6 setting (IPv6 on the default bridge).
   *
   * @return the value and where it was read; empty when not given
   */
  public Optional<Fact<Boolean>> ipv6() {
    return Optional.ofNullable(ipv6);
  }

  /**
   * The --fixed-cidr-v6 setting (the default bridge's IPv6 prefix), as written.
   *
   * @return the prefix text and where it was read; empty when not given
   */
  public Optional<Fact<String>> fixedCidrV6() {
    return Optional.ofNullable(fixedCidrV6);
  }

  /**
   * The --userland-proxy setting (docker-proxy for published ports).
   *
   * @return the value and where it was read; empty when not given
   */
  public Optional<Fact<Boolean>> userlandProxy() {
    return Optional.ofNullable(userlandProxy);
  }

  /**
   * The --ip6tables setting (dockerd writes IPv6 packet filter rules).
   *
   * @return the value and where it was read; empty when not given
   */
  public Optional<Fact<Boolean>> ip6tables() {
    return Optional.ofNullable(ip6tables);
  }

  /**
   * The --experimental setting.
   *
   * @return the value and where it was read; empty when not given
   */
  public Optional<Fact<Boolean>> experimental() {
    return Optional.ofNullable(experimental);
  }

  /**
   * The --ip-forward setting (dockerd turns on forwarding sysctls).
   *
   * @return the value and where it was read; empty when not given
   */
  public Optional<Fact<Boolean>> ipForward() {
    return Optional.ofNullable(ipForward);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    ipv6().ifPresent(f -> parts.add("ipv6=" + f));
    fixedCidrV6().ifPresent(f -> parts.add("fixed-cidr-v6=" + f));
    userlandProxy().ifPresent(f -> parts.add("userland-proxy=" + f));
    ip6tables().ifPresent(f -> parts.add("ip6tables=" + f));
    experimental().ifPresent(f -> parts.add("experimental=" + f));
    ipForward().ifPresent(f -> parts.add("ip-forward=" + f));
    return "DaemonConfig" + parts;
  }
}
