package dev.sixkit.plan;

import dev.sixkit.host.Host;
import dev.sixkit.netlink.Netns;

/**
 * How a setup reaches one of its hosts: this machine, a network namespace on it, or (added by
 * another module) a remote host. A host entry names its connector with one word
 * ({@code local()}, {@code netns 'docker1'}, later {@code ssh 'root@docker2'}); everything else
 * about the host (uplink, Docker endpoint, prefix) is the same whatever the connector.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface HostConnector {
  /**
   * Opens the host. The setup closes it when done.
   *
   * @param hostName the name the setup gives the host (used in messages and changes)
   * @param dockerEndpoint the Docker endpoint, or null for the connector's default
   * @return the open host
   */
  Host open(String hostName, String dockerEndpoint);

  /**
   * One line for tables and messages: "netns sx-docker1", "this machine".
   *
   * @return the description
   */
  String describe();

  /**
   * The host's files (for persisted settings).
   *
   * @return the files; by default this machine's
   */
  default HostFiles files() {
    return HostFiles.local();
  }

  /**
   * Whether the host has a file system of its own. A namespace shares this machine's /etc, so
   * persisting its settings under / would change this machine: the setup then asks for a folder.
   *
   * @return true by default; false for a namespace of this machine
   */
  default boolean ownFileSystem() {
    return true;
  }

  /**
   * Whether a host this connector opened may be kept open and lent to later setups ({@link
   * dev.sixkit.host.HostPool}) instead of being opened afresh. A poolable connector is a value
   * (equals and hashCode cover everything {@link #open} uses: equal connectors open
   * interchangeable hosts), and the hosts it opens are thread-safe, keep no state of one setup,
   * and are checked before being lent again.
   *
   * @return false by default (this machine and its namespaces are opened in microseconds); true
   *     for SSH, where a connection costs a handshake and a login
   */
  default boolean poolable() {
    return false;
  }

  /**
   * This machine (its own network namespace; Docker at DOCKER_HOST or /var/run/docker.sock).
   *
   * @return the connector
   */
  static HostConnector local() {
    return new HostConnector() {
      @Override
      public Host open(String hostName, String dockerEndpoint) {
        // Host.connect() finds Docker at DOCKER_HOST or the default socket; an explicit endpoint wins.
        Host h = Host.connect();
        return dockerEndpoint == null ? h : new LocalHostWithDocker(h, dockerEndpoint);
      }

      @Override
      public String describe() {
        return "this machine";
      }

      @Override
      public String toString() {
        return describe();
      }
    };
  }

  /**
   * A network namespace of this machine, as {@code ip netns} names it.
   *
   * @param name the namespace's name
   * @return the connector
   */
  static HostConnector netns(String name) {
    return new HostConnector() {
      @Override
      public Host open(String hostName, String dockerEndpoint) {
        return Host.netns(name, dockerEndpoint, hostName);
      }

      @Override
      public String describe() {
        return "netns " + name;
      }

      @Override
      public boolean ownFileSystem() {
        return false;
      }

      @Override
      public String toString() {
        return describe();
      }
    };
  }
}
