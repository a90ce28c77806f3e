package dev.sixkit.dsl;

import dev.sixkit.host.Host;
import dev.sixkit.host.SshOptions;
import dev.sixkit.plan.HostConnector;
import dev.sixkit.plan.HostFiles;

/**
 * A host reached over SSH ({@code ssh 'root@docker2'}): {@link dev.sixkit.host.SshHost} with the
 * options of its block. A host block's {@code docker 'unix:///path'} names the Docker socket on
 * the remote host. Persisting settings to a remote host's files is not offered yet: {@link
 * #files()} refuses. Immutable; thread-safe.
 *
 * @param target user@host[:port] as written (checked when the word was read)
 * @param options the block's options
 */
public record SshConnector(String target, SshOptions options) implements HostConnector {
  @Override
  public Host open(String hostName, String dockerEndpoint) {
    SshOptions o = options.name(hostName);
    if (dockerEndpoint != null) {
      o = o.dockerSocket(dockerEndpoint.startsWith("unix://") ? dockerEndpoint.substring("unix://".length())
          : dockerEndpoint);
    }
    return Host.ssh(target, o);
  }

  /**
   * SSH hosts are worth keeping open between runs (a connection costs a handshake and a login);
   * this record and its {@link SshOptions} are values, so a run daemon's {@link
   * dev.sixkit.host.HostPool} lends the host to the next run asking with equal ones.
   *
   * @return true
   */
  @Override
  public boolean poolable() {
    return true;
  }

  @Override
  public String describe() {
    return "ssh " + target;
  }

  @Override
  public HostFiles files() {
    return new HostFiles() {
      private DslException refuse(String path) {
        return new DslException("persist: " + path + " on " + describe()
            + ": writing files on a host reached over SSH is not offered yet; leave persist out for SSH hosts");
      }

      @Override
      public java.util.Optional<String> read(String path) {
        throw refuse(path);
      }

      @Override
      public void write(String path, String text) {
        throw refuse(path);
      }

      @Override
      public void delete(String path) {
        throw refuse(path);
      }
    };
  }

  @Override
  public String toString() {
    return describe();
  }
}
