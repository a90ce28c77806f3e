package dev.sixkit.dsl;

import dev.sixkit.SixkitException;
import dev.sixkit.host.SshOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The options of a host reached over SSH, inside {@code ssh('root@docker2') { ... }}: the words
 * set what {@link SshOptions} holds. Left out, the defaults apply (~/.ssh keys and agent,
 * ~/.ssh/known_hosts, port 22, Docker at /var/run/docker.sock; unknown and changed host keys
 * refused).
 *
 * <pre>{@code
 * host('docker2') {
 *   ssh('root@docker2') {
 *     identity '/root/.ssh/id_ed25519'
 *     knownHosts '/root/.ssh/known_hosts'
 *     port 22
 *     dockerSocket '/var/run/docker.sock'
 *   }
 *   uplink 'eth0'
 * }
 * }</pre>
 *
 * <p>Each word checks its value at once ({@link DslException} naming the script line). Not
 * thread-safe: one script fills it.
 */
public final class SshSpec {
  private final String host;
  private SshOptions options = SshOptions.defaults();

  SshSpec(String host) {
    this.host = host;
  }

  /**
   * {@code identity '/root/.ssh/id_ed25519'}: a private key file to log in with (default: ~/.ssh/id_* and the
   * agent).
   *
   * @param keyFile the key file
   * @return this block
   * @throws DslException when the file is not readable
   */
  @Word(value = "identity '/root/.ssh/id_ed25519'", help = "a private key file to log in with (default: ~/.ssh/id_* and the agent)")
  public SshSpec identity(String keyFile) {
    Path p = path("identity", keyFile);
    if (!Files.isReadable(p)) {
      throw new DslException("host " + host + ": identity: no readable key file at " + p);
    }
    options = options.identity(p).noAgent();
    return this;
  }

  /**
   * {@code knownHosts '/root/.ssh/known_hosts'}: the known_hosts file the host's key is checked against.
   *
   * @param file the file
   * @return this block
   * @throws DslException when no file is given
   */
  @Word(value = "knownHosts '/root/.ssh/known_hosts'", help = "the known_hosts file the host's key is checked against")
  public SshSpec knownHosts(String file) {
    options = options.knownHosts(path("knownHosts", file));
    return this;
  }

  /**
   * {@code port 22}: the SSH port when the target does not say (default 22).
   *
   * @param port 1 to 65535
   * @return this block
   * @throws DslException when the port is out of range
   */
  @Word(value = "port 22", help = "the SSH port when the target does not say (default 22)")
  public SshSpec port(int port) {
    try {
      options = options.port(port);
    } catch (SixkitException e) {
      throw new DslException("host " + host + ": port " + port + ": a port is 1 to 65535");
    }
    return this;
  }

  /**
   * {@code dockerSocket '/var/run/docker.sock'}: the Docker Engine's socket on the remote host.
   *
   * @param remotePath an absolute path on the remote host
   * @return this block
   * @throws DslException when the path is not absolute
   */
  @Word(value = "dockerSocket '/var/run/docker.sock'", help = "the Docker Engine's socket on the remote host")
  public SshSpec dockerSocket(String remotePath) {
    if (remotePath == null || !remotePath.startsWith("/") || !remotePath.matches("[A-Za-z0-9_./@-]+")) {
      throw new DslException("host " + host + ": dockerSocket: '" + remotePath
          + "' is not an absolute path of letters, digits and _./@-");
    }
    options = options.dockerSocket(remotePath);
    return this;
  }

  /**
   * {@code trustOnFirstUse()}: accept and record an unknown host key; a changed key is still refused.
   *
   * @return this block
   */
  @Word(value = "trustOnFirstUse()", help = "accept and record an unknown host key (a changed key is still refused)")
  public SshSpec trustOnFirstUse() {
    options = options.trustOnFirstUse();
    return this;
  }

  private Path path(String word, String file) {
    if (file == null || file.isBlank()) {
      throw new DslException("host " + host + ": " + word + ": give a file");
    }
    return Path.of(file);
  }

  SshOptions options() {
    return options;
  }
}
