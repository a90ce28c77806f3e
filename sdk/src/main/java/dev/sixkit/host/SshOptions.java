package dev.sixkit.host;

import dev.sixkit.SixkitException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a host over SSH: keys, agent, known_hosts, timeouts and where its Docker Engine
 * listens. Start from {@link #defaults()}; every setter returns a new instance.
 *
 * <pre>{@code
 * SshOptions o = SshOptions.defaults()
 *     .identity(Path.of("/root/.ssh/id_ed25519"))   // key files (ed25519, RSA, ECDSA)
 *     .knownHosts(Path.of("/root/.ssh/known_hosts"))
 *     .dockerSocket("/var/run/docker.sock");
 * try (Host h = Host.ssh("root@docker2", o)) { ... }
 * }</pre>
 *
 * <p>Defaults, as OpenSSH's client with StrictHostKeyChecking=yes: the keys ~/.ssh/id_ed25519,
 * id_ecdsa and id_rsa that exist (only those given when any is given), the agent at SSH_AUTH_SOCK
 * when it is set, server keys checked against ~/.ssh/known_hosts with unknown and changed keys
 * refused. Trust on first use is off unless asked for with {@link #trustOnFirstUse()}. Connect
 * timeout 30 s, command timeout 60 s, Docker at /var/run/docker.sock on the remote host.
 *
 * <p>Immutable; thread-safe.
 */
public final class SshOptions {
  /** Where Docker listens on a remote host unless told otherwise. */
  public static final String DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

  /** A key file and its passphrase (null for an unencrypted key). */
  record Identity(Path file, String passphrase) {}

  private enum AgentMode { AUTO, OFF, SOCKET }

  private final String user;
  private final int port;
  private final List<Identity> identities;
  private final AgentMode agentMode;
  private final Path agentSocket;
  private final Path knownHosts;
  private final boolean trustOnFirstUse;
  private final Duration connectTimeout;
  private final Duration commandTimeout;
  private final String dockerSocket;
  private final String name;
  private final boolean execPerCommand;

  private SshOptions(String user, int port, List<Identity> identities, AgentMode agentMode, Path agentSocket,
      Path knownHosts, boolean trustOnFirstUse, Duration connectTimeout, Duration commandTimeout, String dockerSocket,
      String name, boolean execPerCommand) {
    this.user = user;
    this.port = port;
    this.identities = List.copyOf(identities);
    this.agentMode = agentMode;
    this.agentSocket = agentSocket;
    this.knownHosts = knownHosts;
    this.trustOnFirstUse = trustOnFirstUse;
    this.connectTimeout = connectTimeout;
    this.commandTimeout = commandTimeout;
    this.dockerSocket = dockerSocket;
    this.name = name;
    this.execPerCommand = execPerCommand;
  }

  /**
   * The defaults described above.
   *
   * @return options with nothing set
   */
  public static SshOptions defaults() {
    return new SshOptions(null, 0, List.of(), AgentMode.AUTO, null, null, false, Duration.ofSeconds(30),
        Duration.ofSeconds(60), DEFAULT_DOCKER_SOCKET, null, false);
  }

  private SshOptions copy(String user, int port, List<Identity> ids, AgentMode mode, Path agent, Path known,
      boolean tofu, Duration connect, Duration command, String docker, String name) {
    return new SshOptions(user, port, ids, mode, agent, known, tofu, connect, command, docker, name, execPerCommand);
  }

  /**
   * One exec channel per command instead of one shell for the life of the host (the default):
   * the remote login shell then starts for every command (~120 ms with a heavy ~/.bashrc), and
   * {@link Host#snapshot} is one command per read. For measuring the difference ({@code ./sixkit
   * bench ssh-read}) and for servers that refuse long-lived sessions.
   *
   * @return new options with one channel per command
   */
  public SshOptions execPerCommand() {
    return new SshOptions(user, port, identities, agentMode, agentSocket, knownHosts, trustOnFirstUse, connectTimeout,
        commandTimeout, dockerSocket, name, true);
  }

  /**
   * Whether each command gets its own exec channel ({@link #execPerCommand()}).
   *
   * @return true after {@link #execPerCommand()}; false by default
   */
  public boolean isExecPerCommand() {
    return execPerCommand;
  }

  /**
   * The login name when the target does not give one (default: this process's user).
   *
   * @param login the remote user name; not null
   * @return new options with the user
   * @throws NullPointerException if {@code login} is null
   */
  public SshOptions user(String login) {
    return copy(Objects.requireNonNull(login, "user"), port, identities, agentMode, agentSocket, knownHosts,
        trustOnFirstUse, connectTimeout, commandTimeout, dockerSocket, name);
  }

  /**
   * The port when the target does not give one (default 22).
   *
   * @param p the TCP port, 1 to 65535
   * @return new options with the port
   * @throws dev.sixkit.SixkitException if the port is out of range
   */
  public SshOptions port(int p) {
    if (p < 1 || p > 65535) {
      throw new SixkitException("set SSH port", Integer.toString(p), "a port is 1 to 65535");
    }
    return copy(user, p, identities, agentMode, agentSocket, knownHosts, trustOnFirstUse, connectTimeout,
        commandTimeout, dockerSocket, name);
  }

  /**
   * Adds an unencrypted private key file (OpenSSH or PEM format; ed25519, RSA or ECDSA). The first
   * key given replaces the default ones; later ones are tried in order.
   *
   * @param keyFile the private key; read when connecting, not now
   * @return new options with the key added
   * @throws NullPointerException if {@code keyFile} is null
   */
  public SshOptions identity(Path keyFile) {
    return identity(keyFile, null);
  }

  /**
   * Adds a private key file encrypted with a passphrase.
   *
   * @param keyFile the private key; read when connecting, not now
   * @param passphrase the key's passphrase; null for an unencrypted key
   * @return new options with the key added
   * @throws NullPointerException if {@code keyFile} is null
   */
  public SshOptions identity(Path keyFile, String passphrase) {
    List<Identity> ids = new ArrayList<>(identities);
    ids.add(new Identity(Objects.requireNonNull(keyFile, "keyFile"), passphrase));
    return copy(user, port, ids, agentMode, agentSocket, knownHosts, trustOnFirstUse, connectTimeout, commandTimeout,
        dockerSocket, name);
  }

  /**
   * Uses the SSH agent listening on this socket instead of SSH_AUTH_SOCK.
   *
   * @param socket the agent's unix socket
   * @return new options with the agent
   * @throws NullPointerException if {@code socket} is null
   */
  public SshOptions agent(Path socket) {
    return copy(user, port, identities, AgentMode.SOCKET, Objects.requireNonNull(socket, "socket"), knownHosts,
        trustOnFirstUse, connectTimeout, commandTimeout, dockerSocket, name);
  }

  /**
   * Uses no SSH agent, even when SSH_AUTH_SOCK is set.
   *
   * @return new options without agent
   */
  public SshOptions noAgent() {
    return copy(user, port, identities, AgentMode.OFF, null, knownHosts, trustOnFirstUse, connectTimeout,
        commandTimeout, dockerSocket, name);
  }

  /**
   * The known_hosts file server keys are checked against (default ~/.ssh/known_hosts).
   *
   * @param file an OpenSSH known_hosts file
   * @return new options with the file
   * @throws NullPointerException if {@code file} is null
   */
  public SshOptions knownHosts(Path file) {
    return copy(user, port, identities, agentMode, agentSocket, Objects.requireNonNull(file, "file"), trustOnFirstUse,
        connectTimeout, commandTimeout, dockerSocket, name);
  }

  /**
   * Trust on first use: a host that known_hosts does not list is accepted and its key written
   * there. A key that differs from a listed one is still refused. Off unless asked for.
   *
   * @return new options trusting unknown hosts once
   */
  public SshOptions trustOnFirstUse() {
    return copy(user, port, identities, agentMode, agentSocket, knownHosts, true, connectTimeout, commandTimeout,
        dockerSocket, name);
  }

  /**
   * How long connecting, key exchange and authentication may take together (default 30 s: a busy
   * host forks a login for each).
   *
   * @param t a positive duration
   * @return new options with the timeout
   * @throws dev.sixkit.SixkitException if {@code t} is null, zero or negative
   */
  public SshOptions connectTimeout(Duration t) {
    return copy(user, port, identities, agentMode, agentSocket, knownHosts, trustOnFirstUse, positive(t), commandTimeout,
        dockerSocket, name);
  }

  /**
   * How long one remote command may take (default 60 s).
   *
   * @param t a positive duration
   * @return new options with the timeout
   * @throws dev.sixkit.SixkitException if {@code t} is null, zero or negative
   */
  public SshOptions commandTimeout(Duration t) {
    return copy(user, port, identities, agentMode, agentSocket, knownHosts, trustOnFirstUse, connectTimeout, positive(t),
        dockerSocket, name);
  }

  /**
   * The Docker Engine's unix socket on the remote host (default /var/run/docker.sock), reached
   * through the SSH connection.
   *
   * @param remotePath the socket's path on the remote host
   * @return new options with the socket
   * @throws NullPointerException if {@code remotePath} is null
   */
  public SshOptions dockerSocket(String remotePath) {
    return copy(user, port, identities, agentMode, agentSocket, knownHosts, trustOnFirstUse, connectTimeout,
        commandTimeout, Objects.requireNonNull(remotePath, "remotePath"), name);
  }

  /**
   * The remote host has no Docker Engine to use: {@link Host#docker()} says so.
   *
   * @return new options without Docker
   */
  public SshOptions noDocker() {
    return copy(user, port, identities, agentMode, agentSocket, knownHosts, trustOnFirstUse, connectTimeout,
        commandTimeout, null, name);
  }

  /**
   * The host's name in messages and {@link Change}s (default: the host part of the target).
   *
   * @param hostName the name to use
   * @return new options with the name
   * @throws NullPointerException if {@code hostName} is null
   */
  public SshOptions name(String hostName) {
    return copy(user, port, identities, agentMode, agentSocket, knownHosts, trustOnFirstUse, connectTimeout,
        commandTimeout, dockerSocket, Objects.requireNonNull(hostName, "hostName"));
  }

  private static Duration positive(Duration t) {
    if (t == null || t.isNegative() || t.isZero()) {
      throw new SixkitException("set SSH timeout", String.valueOf(t), "a timeout is positive");
    }
    return t;
  }

  // ---------------------------------------------------------------- resolved values

  /**
   * The login name given.
   *
   * @return the user; empty when none was given (the target's, else this process's user is used)
   */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /**
   * The port to connect to when the target names none.
   *
   * @return the port given, or 22
   */
  public int port() {
    return port == 0 ? 22 : port;
  }

  /**
   * The key files to offer, in order.
   *
   * @return the key files given, or the default ones that exist now; may be empty
   */
  public List<Path> identities() {
    return resolvedIdentities().stream().map(Identity::file).toList();
  }

  List<Identity> resolvedIdentities() {
    if (!identities.isEmpty()) {
      return identities;
    }
    Path dir = Path.of(System.getProperty("user.home"), ".ssh");
    List<Identity> out = new ArrayList<>();
    for (String f : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
      if (Files.isRegularFile(dir.resolve(f))) {
        out.add(new Identity(dir.resolve(f), null));
      }
    }
    return out;
  }

  /**
   * The agent socket in use: the one given, else SSH_AUTH_SOCK when set, else none.
   *
   * @return the socket; empty when no agent is used
   */
  public Optional<Path> agentSocket() {
    return switch (agentMode) {
      case OFF -> Optional.empty();
      case SOCKET -> Optional.of(agentSocket);
      case AUTO -> {
        String env = System.getenv("SSH_AUTH_SOCK");
        yield env == null || env.isBlank() ? Optional.empty() : Optional.of(Path.of(env));
      }
    };
  }

  /**
   * The known_hosts file in use.
   *
   * @return the file given, or ~/.ssh/known_hosts
   */
  public Path knownHosts() {
    return knownHosts != null ? knownHosts : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
  }

  /**
   * Whether unknown hosts are accepted and written to known_hosts ({@link #trustOnFirstUse()}).
   *
   * @return true when trust on first use was asked for
   */
  public boolean isTrustOnFirstUse() {
    return trustOnFirstUse;
  }

  /**
   * How long connecting and authentication may take.
   *
   * @return the connect timeout, positive
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long one remote command may take.
   *
   * @return the command timeout, positive
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * The remote Docker socket.
   *
   * @return the socket path; empty after {@link #noDocker()}
   */
  public Optional<String> dockerSocket() {
    return Optional.ofNullable(dockerSocket);
  }

  /**
   * The host name given for messages.
   *
   * @return the name; empty when none was given
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * Value equality over every setting as given (not as resolved: {@link #defaults()} and {@code
   * defaults().port(22)} differ), passphrases included. Equal options connect the same way, so a
   * {@link HostPool} may lend a host opened with one to a setup asking with the other.
   *
   * @param o another object
   * @return true when {@code o} is options with the same settings
   */
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof SshOptions x && port == x.port && trustOnFirstUse == x.trustOnFirstUse
        && execPerCommand == x.execPerCommand && agentMode == x.agentMode && Objects.equals(user, x.user)
        && identities.equals(x.identities) && Objects.equals(agentSocket, x.agentSocket)
        && Objects.equals(knownHosts, x.knownHosts) && connectTimeout.equals(x.connectTimeout)
        && commandTimeout.equals(x.commandTimeout) && Objects.equals(dockerSocket, x.dockerSocket)
        && Objects.equals(name, x.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, port, identities, agentMode, agentSocket, knownHosts, trustOnFirstUse, connectTimeout,
        commandTimeout, dockerSocket, name, execPerCommand);
  }

  @Override
  public String toString() {
    return "SshOptions[identities=" + identities() + ", agent=" + agentSocket().map(Path::toString).orElse("none")
        + ", knownHosts=" + knownHosts() + (trustOnFirstUse ? " (trust on first use)" : "") + ", connectTimeout="
        + connectTimeout + ", commandTimeout=" + commandTimeout + ", docker=" + dockerSocket + "]";
  }
}
