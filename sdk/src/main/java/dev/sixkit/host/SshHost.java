package dev.sixkit.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.SixkitException;
import dev.sixkit.docker.Docker;
import dev.sixkit.host.SshException.InFlight;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.internal.iproute.IpErrors;
import dev.sixkit.internal.iproute.IpJson;
import dev.sixkit.internal.iproute.SsListing;
import dev.sixkit.internal.ssh.RemoteInput;
import dev.sixkit.internal.ssh.SshConnection;
import dev.sixkit.internal.ssh.SshTarget;
import dev.sixkit.internal.ssh.StreamLocalChannel;
import dev.sixkit.internal.ssh.UnixForward;
import dev.sixkit.internal.ssh.RemoteShell;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.Socket;
import dev.sixkit.plan.ApplyException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker host reached over SSH (Apache MINA SSHD): the same {@link Host} interface as a local
 * or namespace host, answered with the same sdk-netlink records.
 *
 * <ul>
 *   <li>Reads run fixed {@code ip -json -details ...} commands and parse their output into
 *       {@link Link}, {@link Address}, {@link Route} and {@link Neighbour} records; sysctls are
 *       read with {@code cat} from /proc/sys.
 *   <li>Writes go to {@code ip -batch -} on standard input (proxy entries, routes) or to a fixed
 *       command reading the value from standard input (sysctls). Each is idempotent and returns
 *       the {@link Change} it made, checked against the state read first, as a kernel host does.
 *   <li>No command is ever built from the caller's text: interface names and sysctl keys must
 *       match plain patterns, addresses and prefixes are parsed and re-spelled by Sixkit, and
 *       anything else is refused before anything is sent ({@link SshException.Reason#INVALID_INPUT}).
 *   <li>Docker: the remote Engine's unix socket is reached over the same connection (OpenSSH
 *       direct-streamlocal channels). A plan's reads ({@link #dockerSnapshot}) go as pipelined
 *       requests on one channel per round trip, with no Docker client; {@link #docker()} gives the
 *       full client through a private local socket forwarded per HTTP connection.
 *   <li>One connection serves every operation and is closed with the host. A command that
 *       overruns fails with TIMEOUT; a connection lost under a command fails with
 *       CONNECTION_LOST and, for a write, says whether the write was found applied after
 *       reconnecting ({@link SshException#inFlight()}). Many proxy entries at once go through
 *       {@link SshProxyNdp#proxyAll}, which reports exactly what was applied if it is cut off
 *       ({@link ApplyException}).
 * </ul>
 *
 * <pre>{@code
 * try (SshHost h = Host.ssh("root@docker2", SshOptions.defaults().identity(Path.of("/root/.ssh/id_ed25519")))) {
 *   h.enableProxyNdp("eth0").proxy("2001:db8:ab11:0:c000::2");
 *   h.docker().containers();
 * }
 * }</pre>
 *
 * <p>The remote user must be allowed to change the network settings (root), and its login shell
 * must be a POSIX shell (sh, dash, bash): it starts {@code /bin/sh} once per connection, and
 * that shell ({@link RemoteShell}) runs every command, framed on its standard input: a read costs
 * a round trip and the command itself (a few ms) instead of a login shell's start (~120 ms with
 * root's ~/.bashrc on the lab). {@link #snapshot} sends a plan's reads in one round trip.
 * Thread-safe: commands are serialised on the host's shell; Docker uses its own channels.
 */
public final class SshHost implements Host {
  private static final Logger log = LoggerFactory.getLogger(SshHost.class);

  // Every command line is one of these constants, or a constant around a checked /proc/sys path.
  private static final String LINKS = "ip -json -details link show";
  private static final String ADDRESSES = "ip -json address show";
  private static final String ROUTES = "ip -json link show && ip -json -details route show table main"
      + " && ip -json -details -6 route show table main";
  static final String NEIGHBOURS = "ip -json link show && ip -json neigh show nud all";
  static final String PROXIES = "ip -json link show && ip -json neigh show proxy";
  private static final String ROUTE_GET = "ip -json link show && ip -json -details -batch -";
  static final String BATCH = "ip -batch -";
  /** proxyAll sends this many lines per ip -batch: progress is known per chunk, and exactly on failure. */
  static final int CHUNK = 500;

  private final SshTarget target;
  private final String name;
  private final SshOptions options;
  private final SshConnection ssh;
  private final RemoteShell shell;
  /** The plan's Docker reads: pipelined requests on a channel to the remote socket; null without Docker. */
  private final SshDockerReads dockerReads;
  private volatile Docker docker;
  private volatile UnixForward forward;

  private SshHost(SshTarget target, String name, SshOptions options, SshConnection ssh) {
    this.target = target;
    this.name = name;
    this.options = options;
    this.ssh = ssh;
    this.shell = new RemoteShell(ssh);
    this.dockerReads = options.dockerSocket().map(p -> new SshDockerReads(ssh, p, name, options.commandTimeout()))
        .orElse(null);
  }

  /**
   * Connects to {@code [user@]host[:port]} (an IPv6 literal with a port in brackets).
   *
   * @param target the server; the user and port default to the options' (else this process's user
   *     and 22)
   * @param options how to connect; null means {@link SshOptions#defaults()}
   * @return a connected host; the caller closes it
   * @throws SshException INVALID_TARGET before connecting when the target is malformed;
   *     UNKNOWN_HOST_KEY or CHANGED_HOST_KEY naming the host and the key's fingerprint;
   *     AUTH_FAILED, UNREACHABLE, TIMEOUT, CONFIG otherwise
   */
  public static SshHost connect(String target, SshOptions options) {
    SshOptions o = options == null ? SshOptions.defaults() : options;
    SshTarget t = SshTarget.parse(target, o.user().orElse(System.getProperty("user.name")), o.port());
    o.dockerSocket().ifPresent(p -> RemoteInput.socketPath(t.toString(), p));
    String hostName = o.name().orElse(t.host());
    List<SshConnection.KeyFile> keys = new ArrayList<>();
    for (SshOptions.Identity id : o.resolvedIdentities()) {
      keys.add(new SshConnection.KeyFile(id.file(), id.passphrase()));
    }
    SshConnection c = SshConnection.open(t, new SshConnection.Settings(keys, o.agentSocket(), o.knownHosts(),
        o.isTrustOnFirstUse(), o.connectTimeout()));
    log.debug("connected to {} as host {} (host key {})", t, hostName, c.hostKeyFingerprint());
    SshHost h = new SshHost(t, hostName, o, c);
    if (!o.isExecPerCommand()) {
      try {
        // The login shell's start-up files run while the caller goes on (Docker reads need no shell).
        h.shell.start(o.commandTimeout());
      } catch (SshException e) {
        log.debug("{}: the shell did not start yet ({}); the first command starts it", hostName, e.getMessage());
      }
    }
    return h;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * The server this host talks to.
   *
   * @return user@host:port, an IPv6 host in brackets
   */
  public String target() {
    return target.toString();
  }

  /**
   * The server's key, as checked against known_hosts.
   *
   * @return its SHA256 fingerprint, as {@code ssh-keygen -l} prints it
   */
  public String hostKeyFingerprint() {
    return ssh.hostKeyFingerprint();
  }

  /**
   * How many times the connection was opened (more than 1 after reconnecting).
   *
   * @return the count since {@link #connect}, at least 1
   */
  public long connects() {
    return ssh.connects();
  }

  /**
   * How many commands this host sent to the remote host so far (diagnostics, tests).
   *
   * @return the count since {@link #connect}
   */
  public long commandsSent() {
    return ssh.commands();
  }

  /**
   * How many remote shells this host started (1 unless the connection was lost).
   *
   * @return the count since {@link #connect}
   */
  public long shellStarts() {
    return shell.starts();
  }

  /**
   * Whether this host may serve another setup as it is, without connecting again: its SSH
   * session is open (not closing), its remote shell runs (unless {@link
   * SshOptions#execPerCommand()}), and the known_hosts file that vouched for the server's key is
   * unchanged since (size, modification time and SHA-256 of its content). After an operator edited
   * known_hosts, a new connection must check the key again: a changed key is then refused before
   * anything is sent. Sends nothing and waits for no command under way; {@link HostPool} asks
   * before lending a host again.
   *
   * @return true when it can be reused; false after {@link #close()}, a lost connection or shell,
   *     or a changed known_hosts
   */
  public boolean reusable() {
    return whyNotReusable() == null;
  }

  /** Why {@link #reusable()} is false (for logs), or null when it is true. */
  String whyNotReusable() {
    if (!ssh.isConnected()) {
      return "its SSH session is closed (closed here, by the server or by the network)";
    }
    if (!options.isExecPerCommand() && !shell.alive()) {
      return "its remote shell is not running";
    }
    return ssh.knownHostsChange();
  }

  /**
   * The options in use.
   *
   * @return the options given to {@link #connect} (the defaults when none were)
   */
  public SshOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- running commands

  String where() {
    return "on " + name;
  }

  /** Runs a fixed command on the host's shell; the result as it came. */
  SshConnection.Result run(String command, byte[] stdin) {
    return options.isExecPerCommand() ? ssh.exec(command, stdin, options.commandTimeout())
        : shell.run(command, stdin, options.commandTimeout());
  }

  /** Runs a fixed command; a non-zero exit becomes the NetlinkException ip's text describes. */
  String read(String command, byte[] stdin, String op, String object) {
    SshConnection.Result r = run(command, stdin);
    if (!r.ok()) {
      throw IpErrors.toException(r.stderr(), op, object, where());
    }
    return r.stdout();
  }

  List<JsonNode> readJson(String command, byte[] stdin, String op, String object, int values) {
    String out = read(command, stdin, op, object);
    List<JsonNode> v = IpJson.values(out, op);
    if (v.size() != values) {
      throw new SshException(Reason.COMMAND_FAILED, target.toString(), op, object, "expected " + values
          + " JSON values from ip, got " + v.size() + " (is iproute2 older than 4.17?)", null);
    }
    return v;
  }

  static byte[] lines(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A POSIX shell word for a string that already passed {@link RemoteInput}'s checks. */
  private static String quote(String checked) {
    return "'" + checked.replace("'", "'\\''") + "'";
  }

  /**
   * Runs one write; when the connection is lost (or the command overruns) under it, reconnects,
   * checks whether it took effect and says so in the exception.
   */
  <T> T write(Supplier<T> send, BooleanSupplier inEffect, Change ifApplied) {
    try {
      return send.get();
    } catch (SshException e) {
      if (e.reason() != Reason.CONNECTION_LOST && e.reason() != Reason.TIMEOUT) {
        throw e;
      }
      if (e.reason() == Reason.TIMEOUT) {
        ssh.disconnect(); // a connection that stopped answering is not trusted for the check
      }
      boolean applied;
      try {
        applied = inEffect.getAsBoolean();
      } catch (RuntimeException again) {
        throw e.withInFlight(InFlight.UNKNOWN, null, "whether the write took effect is not known: checking failed ("
            + again.getMessage() + ")");
      }
      throw applied ? e.withInFlight(InFlight.APPLIED, ifApplied, "after reconnecting it was found APPLIED: "
          + ifApplied) : e.withInFlight(InFlight.NOT_APPLIED, null, "after reconnecting it was found NOT applied");
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public List<Link> interfaces() {
    return IpJson.links(IpJson.array(read(LINKS, null, "list interfaces", ""), "list interfaces"));
  }

  @Override
  public List<Address> addresses() {
    return IpJson.addresses(IpJson.array(read(ADDRESSES, null, "list addresses", ""), "list addresses"));
  }

  static Map<String, Integer> indexes(JsonNode links) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (JsonNode l : links) {
      m.put(l.path("ifname").asText(), l.path("ifindex").asInt());
    }
    return m;
  }

  @Override
  public List<Route> routes() {
    List<JsonNode> v = readJson(ROUTES, null, "list routes", "table main", 3);
    Map<String, Integer> idx = indexes(v.get(0));
    List<Route> out = new ArrayList<>(IpJson.routes(v.get(1), false, idx));
    out.addAll(IpJson.routes(v.get(2), true, idx));
    return out;
  }

  @Override
  public Route routeTo(String destination) {
    InetAddress a = IpAddresses.parse(destination);
    String dst = IpAddresses.format(a);
    List<JsonNode> v = readJson(ROUTE_GET, lines(List.of("route get " + dst)), "look up route", dst, 2);
    JsonNode answer = v.get(1);
    if (!answer.isArray() || answer.isEmpty()) {
      throw new NetlinkException(101, "look up route", dst, "no route " + where());
    }
    return IpJson.route(answer.get(0), a instanceof Inet6Address, indexes(v.get(0)));
  }

  @Override
  public NeighbourQuery neighbours() {
    return new SshNeighbourQuery(this, null, Set.of(), null);
  }

  NetlinkException noDevice(String op, String object, String dev) {
    return new NetlinkException(IpErrors.ENODEV, op, object, "no interface named '" + dev + "' " + where());
  }

  @Override
  public List<Neighbour> proxyEntries() {
    List<JsonNode> v = readJson(PROXIES, null, "list proxy neighbours", "", 2);
    return IpJson.neighbours(v.get(1), indexes(v.get(0)));
  }

  /**
   * Everything in one round trip: the commands below are sent to the host's shell at once and
   * answered in order (see {@link RemoteShell#runAll}).
   */
  @Override
  public HostSnapshot snapshot(Collection<String> sysctlKeys) {
    if (options.isExecPerCommand()) {
      return Host.super.snapshot(sysctlKeys);
    }
    List<String> keys = List.copyOf(new LinkedHashSet<>(sysctlKeys));
    List<RemoteShell.Command> cmds = new ArrayList<>(List.of(new RemoteShell.Command(LINKS),
        new RemoteShell.Command(ADDRESSES), new RemoteShell.Command("ip -json -details route show table main"),
        new RemoteShell.Command("ip -json -details -6 route show table main"),
        new RemoteShell.Command("ip -json neigh show nud all"), new RemoteShell.Command("ip -json neigh show proxy")));
    for (String k : keys) {
      cmds.add(new RemoteShell.Command("cat -- " + quote(RemoteInput.sysctlPath(target.toString(), k, "read sysctl"))));
    }
    List<SshConnection.Result> r = shell.runAll(cmds, options.commandTimeout());
    String[] ops = {"list interfaces", "list addresses", "list routes", "list routes", "list neighbours",
        "list proxy neighbours"};
    List<JsonNode> json = new ArrayList<>();
    for (int i = 0; i < ops.length; i++) {
      if (!r.get(i).ok()) {
        throw IpErrors.toException(r.get(i).stderr(), ops[i], "", where());
      }
      json.add(IpJson.array(r.get(i).stdout(), ops[i]));
    }
    Map<String, Integer> idx = indexes(json.get(0));
    List<Route> routes = new ArrayList<>(IpJson.routes(json.get(2), false, idx));
    routes.addAll(IpJson.routes(json.get(3), true, idx));
    Map<String, String> sysctls = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      SshConnection.Result s = r.get(ops.length + i);
      if (s.ok()) {
        sysctls.put(keys.get(i), chomp(s.stdout()));
      } else if (!s.stderr().contains("No such file or directory")) {
        throw sysctlFailure(s.stderr(), "read sysctl", keys.get(i), keys.get(i));
      }
    }
    return new HostSnapshot(IpJson.links(json.get(0)), IpJson.addresses(json.get(1)), routes,
        new SshNeighbourQuery(this, null, Set.of(), null).filter(IpJson.neighbours(json.get(4), idx)),
        IpJson.neighbours(json.get(5), idx), sysctls);
  }

  private static String chomp(String v) {
    return v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
  }

  @Override
  public List<Socket> listeningSockets() {
    String out = read(SsListing.COMMAND, null, "list sockets", "tcp listeners");
    // Device names become indexes as sock_diag gives them; asked only when a socket is bound to one.
    Map<String, Integer> index = new HashMap<>();
    if (!SsListing.devices(out).isEmpty()) {
      interfaces().forEach(l -> index.put(l.name(), l.index()));
    }
    try {
      return SsListing.parse(out, index::get);
    } catch (IllegalArgumentException e) {
      throw new SshException(Reason.COMMAND_FAILED, target.toString(), "list sockets", "tcp listeners",
          e.getMessage() + " (is iproute2's ss installed?)", e);
    }
  }

  @Override
  public String sysctl(String key) {
    String path = RemoteInput.sysctlPath(target.toString(), key, "read sysctl");
    SshConnection.Result r = run("cat -- " + quote(path), null);
    if (!r.ok()) {
      throw sysctlFailure(r.stderr(), "read sysctl", key, key);
    }
    return chomp(r.stdout());
  }

  private NetlinkException sysctlFailure(String stderr, String op, String key, String object) {
    if (stderr.contains("No such file or directory")) {
      String[] parts = key.split("\\.");
      if (parts.length >= 5 && (parts[1].equals("ipv4") || parts[1].equals("ipv6"))
          && (parts[2].equals("conf") || parts[2].equals("neigh")) && !parts[3].equals("all")
          && !parts[3].equals("default") && interfaces().stream().noneMatch(l -> l.name().equals(parts[3]))) {
        return noDevice(op, key, parts[3]);
      }
      return new NetlinkException(IpErrors.ENOENT, op, object, "no sysctl named " + key + " " + where());
    }
    int errno = IpErrors.errnoOf(stderr);
    return new NetlinkException(errno > 0 ? errno : IpErrors.EIO, op, object,
        errno == 22 ? "the kernel refused the value" : stderr.strip());
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Change sysctl(String key, String value) {
    String path = RemoteInput.sysctlPath(target.toString(), key, "write sysctl");
    if (value == null || value.isEmpty() || value.length() > 4096 || value.indexOf('\n') >= 0
        || value.indexOf('\0') >= 0) {
      throw new NetlinkException(22, "write sysctl", key, "a value is one line of 1 to 4096 characters");
    }
    RemoteInput.sysctlValue(target.toString(), key, value);
    String before = sysctl(key);
    if (before.equals(value)) {
      return Change.unchanged(name, "sysctl " + key, before);
    }
    // The command is fixed but for the checked path; the value travels on standard input.
    // env printf: coreutils' printf names the kernel's errno ("write error: Invalid argument"); dash's builtin says EIO.
    String command = "IFS= read -r v && env printf '%s\\n' \"$v\" > " + quote(path) + " && cat -- " + quote(path);
    Change wanted = Change.of(name, "sysctl " + key, before, value);
    String after = write(() -> {
      SshConnection.Result r = run(command, (value + "\n").getBytes(StandardCharsets.UTF_8));
      if (!r.ok()) {
        throw sysctlFailure(r.stderr(), "write sysctl", key, key + "=" + value);
      }
      return chomp(r.stdout());
    }, () -> sysctl(key).equals(value), wanted);
    Change change = Change.of(name, "sysctl " + key, before, after);
    if (change.changed()) {
      log.debug("{}", change);
    }
    return change;
  }

  private void requireInterface(String dev) {
    RemoteInput.ifname(target.toString(), dev);
    if (interfaces().stream().noneMatch(l -> l.name().equals(dev))) {
      throw noDevice("find interface", dev, dev);
    }
  }

  @Override
  public SshProxyNdp enableProxyNdp(String uplink) {
    requireInterface(uplink);
    Change c = sysctl("net.ipv6.conf." + uplink + ".proxy_ndp", "1");
    return new SshProxyNdp(this, uplink, List.of(c));
  }

  @Override
  public SshProxyNdp proxyNdp(String uplink) {
    requireInterface(uplink);
    return new SshProxyNdp(this, uplink, List.of());
  }

  @Override
  public RouteTarget route(String destination) {
    return HostRouteSpec.target(destination, intent -> new SshRouteSpec(this, intent));
  }

  // ---------------------------------------------------------------- Docker

  @Override
  public Docker docker() {
    Docker d = docker;
    if (d == null) {
      synchronized (this) {
        d = docker;
        if (d == null) {
          String path = options.dockerSocket().orElseThrow(() -> new SixkitException("connect to Docker",
              "on host " + name, "this host was opened with SshOptions.noDocker()"));
          // Try the socket once first, so a missing Engine is named here rather than as a local socket.
          try {
            StreamLocalChannel probe = ssh.openStreamLocal(path, options.connectTimeout());
            probe.close(false);
          } catch (SshException e) {
            throw new SixkitException("connect to Docker", "at " + path + " on " + name + " (ssh " + target + ")",
                "the SSH server could not open the socket (is dockerd running there?): " + e.getMessage(), e);
          }
          UnixForward f = UnixForward.start(ssh, path);
          try {
            d = Docker.connect(f.endpoint());
          } catch (RuntimeException e) {
            f.close();
            throw new SixkitException("connect to Docker", "at " + path + " on " + name + " (ssh " + target + ")",
                e.getMessage(), e);
          }
          forward = f;
          docker = d;
        }
      }
    }
    return d;
  }

  /**
   * The daemon's facts, containers and (when asked) networks in two or three round trips of
   * pipelined requests on a channel to the remote Engine's socket ({@link SshDockerReads}),
   * without starting a Docker client or a local socket forward.
   *
   * @param withNetworks whether to read every network too
   * @return the daemon's facts, the containers sorted by name and, when asked, the networks
   * @throws SixkitException when the host was opened without Docker or its socket cannot be opened
   */
  @Override
  public dev.sixkit.docker.DockerSnapshot dockerSnapshot(boolean withNetworks) {
    if (dockerReads == null) {
      throw new SixkitException("connect to Docker", "on host " + name, "this host was opened with SshOptions.noDocker()");
    }
    return dockerReads.read(withNetworks);
  }

  @Override
  public void close() {
    Docker d = docker;
    docker = null;
    if (d != null) {
      d.close();
    }
    UnixForward f = forward;
    forward = null;
    if (f != null) {
      f.close();
    }
    shell.close();
    ssh.close();
  }

  /** Drops the SSH connection without closing the host: the next operation connects again. */
  public void disconnect() {
    ssh.disconnect();
  }

  @Override
  public String toString() {
    return "Host[" + name + ", ssh " + target + "]";
  }
}
