package dev.sixkit.firewall;

import dev.sixkit.host.Host;
import dev.sixkit.SixkitException;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.Route;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads a host's IPv6 packet filter: {@code ip6tables-nft-save -c} and {@code
 * ip6tables-legacy-save -c} run inside the host's network namespace (both, since either may hold
 * rules: Docker uses whichever {@code ip6tables} is), and, when {@code nft} is installed, {@code nft
 * -j list ruleset}, whose tables iptables does not show (Docker 29's nftables backend, {@code ip6
 * docker-bridges}) are evaluated too ({@link Nftables}).
 *
 * <pre>{@code
 * Ruleset rules = Firewall.read(host);
 * Verdict v = rules.verdict("eth0", "2001:db8:ab11:0:8000::2");
 * if (v.dropped()) System.out.println(v.by().get());  // -t raw -A PREROUTING -d ... -j DROP (3 packets, ...)
 * }</pre>
 *
 * <p>Stateless; thread-safe.
 */
public final class Firewall {
  /**
   * Runs a command on the host and returns what it printed; used for hosts that are not
   * namespaces. Implementations say whether they are thread-safe; {@link #read} calls one at a time.
   */
  @FunctionalInterface
  public interface Commands {
    /**
     * Runs argv on the host, without a shell.
     *
     * @param argv the program and its arguments
     * @return the exit code (127 when the program is missing) and standard output
     */
    Output run(List<String> argv);
  }

  /**
   * A command's exit code and output. Immutable record; thread-safe.
   *
   * @param exitCode the exit status; 127 means the program is not installed
   * @param stdout what it printed (standard error may be mixed in)
   */
  public record Output(int exitCode, String stdout) {}

  static final List<String[]> BACKENDS = List.of(new String[] {"iptables-nft", "ip6tables-nft-save"},
      new String[] {"iptables-legacy", "ip6tables-legacy-save"});

  /** The nftables tables ip6tables-nft writes (and reads back itself). */
  static final java.util.Set<String> IPTABLES_TABLES = java.util.Set.of("ip6 raw", "ip6 mangle", "ip6 nat", "ip6 filter",
      "ip6 security");

  private Firewall() {}

  /**
   * The packet filter of a host on this machine (a network namespace or this machine itself), with
   * its IPv6 routes and addresses.
   *
   * @param host a host with a {@link Host#netnsPath()}
   * @return the ruleset read now
   * @throws SixkitException for a remote host (use {@link #read(Host, Commands)}), or when no
   *     ip6tables-save runs (Debian's iptables package)
   */
  public static Ruleset read(Host host) {
    Path ns = host.netnsPath().orElseThrow(() -> new SixkitException("read packet filter", host.name(),
        "the host is not on this machine: give a way to run commands on it (Firewall.read(host, commands))"));
    return read(host, argv -> runIn(ns, argv));
  }

  /**
   * The packet filter of any host, running the save commands through {@code commands}; routes
   * and addresses come from the host itself.
   *
   * @param host the host, for its routes, addresses and name
   * @param commands how to run a command on it
   * @return the ruleset read now; what could not be read is in {@link Ruleset#notes()}
   * @throws SixkitException when neither ip6tables-save runs there, or one prints lines that are
   *     not in its format
   */
  public static Ruleset read(Host host, Commands commands) {
    Map<String, List<Chain>> chains = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    int ran = 0;
    for (String[] b : BACKENDS) {
      Output o = commands.run(List.of(b[1], "-c"));
      if (o.exitCode() == 127) {
        notes.add(b[1] + " is not installed");
        continue;
      }
      ran++;
      if (o.exitCode() != 0) {
        notes.add(b[1] + " failed (" + o.exitCode() + "): " + o.stdout().strip());
        continue;
      }
      for (String line : o.stdout().split("\n")) {
        if (line.startsWith("# Table") && line.contains("incompatible")) {
          notes.add(b[0] + ": " + line.substring(2));
        }
      }
      chains.put(b[0], Ruleset.parseSave(o.stdout(), b[0]));
    }
    if (ran == 0) {
      throw new SixkitException("read packet filter", host.name(), "neither ip6tables-nft-save nor"
          + " ip6tables-legacy-save runs there (apt-get install -y iptables)");
    }
    Optional<Nftables> nftables = Optional.empty();
    Output nft = commands.run(List.of("nft", "-j", "list", "ruleset"));
    if (nft.exitCode() == 0) {
      try {
        // iptables-nft's own tables are already read (with ip6tables' rule text): evaluate the others
        boolean iptablesNft = chains.containsKey("iptables-nft");
        nftables = Optional.of(Nftables.parse(nft.stdout()).without(t -> iptablesNft && IPTABLES_TABLES.contains(t)));
      } catch (SixkitException e) {
        notes.add("nftables not evaluated: " + e.getMessage());
      }
    } else if (nft.exitCode() != 127) {
      notes.add("nft -j list ruleset failed (" + nft.exitCode() + "): " + nft.stdout().strip());
    }
    List<Ruleset.Route> routes = new ArrayList<>();
    for (Route r : host.routes()) {
      if (r.destination() != null && !r.destination().isV4() && r.device() != null
          && (r.table() == Route.TABLE_MAIN || r.table() == Route.TABLE_UNSPEC)) {
        routes.add(new Ruleset.Route(r.destination().toString(), r.device()));
      }
    }
    List<String> local = new ArrayList<>();
    for (Address a : host.addresses()) {
      if (!a.prefix().isV4()) {
        local.add(a.prefix().address().getHostAddress());
      }
    }
    return new Ruleset(chains, nftables, routes, local, notes);
  }

  /** Runs a command in a network namespace with nsenter; exit code 127 when the command is missing. */
  static Output runIn(Path netns, List<String> argv) {
    List<String> cmd = new ArrayList<>();
    if (!netns.equals(Path.of("/proc/self/ns/net"))) {
      cmd.addAll(List.of("nsenter", "--net=" + netns));
    }
    if (!onPath(argv.get(0))) {
      return new Output(127, argv.get(0) + ": not found");
    }
    cmd.addAll(argv);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Output(-1, "timed out");
      }
      return new Output(p.exitValue(), out);
    } catch (IOException e) {
      return new Output(127, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SixkitException("read packet filter", netns.toString(), "interrupted", e);
    }
  }

  private static boolean onPath(String cmd) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, cmd))) {
        return true;
      }
    }
    return false;
  }
}
