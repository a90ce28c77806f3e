package dev.sixkit.dsl;

import dev.sixkit.plan.HostEntry;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Persist;
import dev.sixkit.plan.PlanException;
import dev.sixkit.plan.Planner;
import dev.sixkit.plan.Prefixes;
import inet.ipaddr.ipv6.IPv6Address;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A multi-host setup as a script describes it: the shared underlay, the mode, how Docker prefixes
 * are planned, the hosts and the settings to persist. {@link Setup#of(Consumer)} fills one and
 * validates it.
 *
 * <pre>{@code
 * Setup s = Setup.of(spec -> spec
 *     .underlay("2001:db8:ab11::/64")
 *     .mode(Mode.NDP_PROXY).split(66)             // four /66s, Docker takes the last two
 *     .host("docker1", h -> h.netns("lab-docker1").uplink("eth0").docker("unix:///.../docker.sock"))
 *     .host("docker2", h -> h.netns("lab-docker2").uplink("eth0").docker("unix:///.../docker.sock")));
 * }</pre>
 *
 * <p>Every word checks its value at once: a wrong value fails with a {@link DslException} naming
 * the caller's line, before anything is read or changed. Not thread-safe: one script fills it.
 */
public final class SetupSpec {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}");

  private String name = "sixkit";
  private IPv6Address underlay;
  private Mode mode;
  private int split;
  private final Map<String, HostSpec> hostSpecs = new LinkedHashMap<>();
  private final List<HostEntry> hosts = new ArrayList<>();
  private Persist persist;
  private String stateDir = "/var/lib/sixkit/dsl";

  SetupSpec() {}

  /**
   * {@code name 'demo'}: the setup's name; undo() finds the last apply under it (default 'sixkit').
   *
   * @param setupName letters, digits, '.', '_' and '-'
   * @return this setup
   * @throws DslException when it is no setup name
   */
  @Word(value = "name 'demo'", help = "the setup's name: undo() finds the last apply under it (default 'sixkit')")
  public SetupSpec name(String setupName) {
    if (setupName == null || !NAME.matcher(setupName).matches()) {
      throw new DslException("'" + setupName + "' is not a setup name (letters, digits, '.', '_', '-')");
    }
    this.name = setupName;
    return this;
  }

  /**
   * {@code underlay '2001:db8:ab11::/64'}: the on-link prefix the hosts share on their uplinks.
   *
   * @param prefix an IPv6 prefix, /64 or shorter
   * @return this setup
   * @throws DslException when it is no IPv6 prefix or longer than /64
   */
  @Word(value = "underlay '2001:db8:ab11::/64'", help = "the on-link prefix the hosts share on their uplinks")
  public SetupSpec underlay(String prefix) {
    IPv6Address p;
    try {
      p = Prefixes.prefix(prefix);
    } catch (PlanException e) {
      throw new DslException("underlay: " + e.getMessage().replaceFirst("^plan: ", ""));
    }
    if (p.getPrefixLength() > 64) {
      throw new DslException("underlay: " + Prefixes.text(p) + " is longer than /64; IPv6 links are /64");
    }
    this.underlay = p;
    return this;
  }

  /**
   * {@code mode ndpProxy} or {@code mode routed}: split the underlay, or a prefix per host with static
   * routes.
   *
   * @param m the mode
   * @return this setup
   * @throws DslException when {@code m} is null
   */
  @Word(value = "mode ndpProxy | mode routed", help = "NDP proxy (split the underlay) or routed (a prefix per host, static routes)")
  public SetupSpec mode(Mode m) {
    if (m == null) {
      throw new DslException("mode: give ndpProxy or routed");
    }
    this.mode = m;
    return this;
  }

  /**
   * The mode by name: "routed", "ndpProxy" (also "ndp", "ndp-proxy", "NDP_PROXY").
   *
   * @param m the mode's name
   * @return this setup
   * @throws DslException when it names no mode
   */
  public SetupSpec mode(String m) {
    String k = m == null ? "" : m.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    return switch (k) {
      case "routed", "route", "routes" -> mode(Mode.ROUTED);
      case "ndpproxy", "ndp", "proxy", "proxyndp" -> mode(Mode.NDP_PROXY);
      default -> throw new DslException("mode: '" + m + "' is not a mode; use ndpProxy or routed");
    };
  }

  /**
   * {@code split 66}: NDP proxy mode splits the underlay into parts of this length; hosts take the last parts
   * in order.
   *
   * @param length the parts' prefix length, longer than 64
   * @return this setup
   * @throws DslException when the parts are not longer than the underlay or too long
   */
  @Word(value = "split 66", help = "NDP proxy: split the underlay into /66s; hosts take the last parts in order")
  public SetupSpec split(int length) {
    if (length <= 64 || length > Planner.MAX_DOCKER_PREFIX_LENGTH) {
      throw new DslException("split: /" + length + " does not work: the parts must be longer than the /64 underlay and at most /"
          + Planner.MAX_DOCKER_PREFIX_LENGTH + " (Docker derives container addresses from 48-bit MACs)");
    }
    this.split = length;
    return this;
  }

  /**
   * {@code host('docker1') { ... }}: a host, described by the words of {@link HostSpec}.
   *
   * @param hostName letters, digits, '.', '_' and '-'; at most 40
   * @param body the host block
   * @return this setup
   * @throws DslException when the name is invalid or taken, or a block word is wrong
   */
  @Word(value = "host('docker1') { ... }", help = "a host: netns/ssh/local(), uplink, docker, prefix, address, web")
  public SetupSpec host(String hostName, Consumer<HostSpec> body) {
    if (hostName == null || !HOST.matcher(hostName).matches()) {
      throw new DslException("'" + hostName + "' is not a host name (letters, digits, '.', '_', '-'; at most 40)");
    }
    HostSpec first = hostSpecs.get(hostName);
    if (first != null) {
      String at = DslException.where(first.declaredAt());
      throw new DslException("host " + hostName + " is defined twice" + (at.isEmpty() ? "" : " (first at " + at + ")"));
    }
    HostSpec h = new HostSpec(hostName, DslException.userFrame(new Throwable().getStackTrace()));
    hostSpecs.put(hostName, h);
    if (body != null) {
      body.accept(h);
    }
    hosts.add(h.build());
    return this;
  }

  /**
   * {@code inventory 'hosts.txt'}: hosts read from a file, one per line, reached over SSH (see {@link
   * Inventory}).
   *
   * @param file the inventory file
   * @return this setup
   * @throws DslException naming the file and line of a bad line, or a host already defined
   */
  @Word(value = "inventory 'hosts.txt'", help = "hosts read from a file, one per line: NAME TARGET uplink=eth0 ... (reached over SSH; see Inventory)")
  public SetupSpec inventory(String file) {
    if (file == null || file.isBlank()) {
      throw new DslException("inventory: give a file");
    }
    List<Inventory.Line> lines = Inventory.read(Path.of(file));
    // Every line is checked before any host is added: a bad line leaves the setup as it was.
    for (Inventory.Line l : lines) {
      if (!HOST.matcher(l.name()).matches()) {
        throw new DslException(file, l.number(), "inventory: '" + l.name()
            + "' is not a host name (letters, digits, '.', '_', '-'; at most 40)", null);
      }
      if (hostSpecs.containsKey(l.name())) {
        throw new DslException(file, l.number(), "inventory: host " + l.name() + " is already defined", null);
      }
      Inventory.fill(file, l, new HostSpec(l.name(), null));
    }
    for (Inventory.Line l : lines) {
      host(l.name(), h -> Inventory.fill(file, l, h));
    }
    return this;
  }

  /**
   * {@code persist { ... }}: write the settings to files so they survive a reboot (the words of {@link
   * PersistSpec}).
   *
   * @param body the persist block
   * @return this setup
   * @throws DslException when a block word is wrong
   */
  @Word(value = "persist { ... }", help = "write the settings to files so they survive a reboot: root, sysctl, daemonJson, ipBatch")
  public SetupSpec persist(Consumer<PersistSpec> body) {
    PersistSpec p = new PersistSpec();
    if (body != null) {
      body.accept(p);
    }
    this.persist = p.build();
    return this;
  }

  /**
   * {@code stateDir '/var/lib/sixkit/dsl'}: where the record of the last apply is kept, for undo().
   *
   * @param folder an absolute folder
   * @return this setup
   * @throws DslException when the folder is not absolute
   */
  @Word(value = "stateDir '/var/lib/sixkit/dsl'", help = "where the record of the last apply is kept, for undo()")
  public SetupSpec stateDir(String folder) {
    if (folder == null || !folder.startsWith("/")) {
      throw new DslException("stateDir must be an absolute folder, not '" + folder + "'");
    }
    this.stateDir = folder;
    return this;
  }

  // ---- read by Setup

  String name() {
    return name;
  }

  IPv6Address underlay() {
    return underlay;
  }

  Mode mode() {
    return mode;
  }

  int split() {
    return split;
  }

  List<HostEntry> hosts() {
    return List.copyOf(hosts);
  }

  Persist persist() {
    return persist;
  }

  String stateDir() {
    return stateDir;
  }
}
