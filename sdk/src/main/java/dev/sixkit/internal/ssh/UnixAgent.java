package dev.sixkit.internal.ssh;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * An SSH agent client over the agent's unix socket (SSH_AUTH_SOCK), with Java's own unix domain
 * sockets: Apache MINA SSHD's built-in one needs Tomcat's native APR library. The agent protocol
 * itself (list identities, sign) is MINA's {@link AbstractAgentProxy}; this class only carries
 * its requests, one connection per request, so nothing stays open between authentications.
 *
 * <p>Thread-safe: requests are serialised.
 */
public final class UnixAgent extends AbstractAgentProxy {
  /** No agent message comes near this; a bigger length means the socket is not an agent. */
  private static final int MAX_MESSAGE = 256 * 1024;

  private final Path socket;
  private volatile boolean open = true;

  public UnixAgent(Path socket) {
    super(null);
    this.socket = socket;
  }

  /** A factory giving MINA's client this agent for public key authentication. */
  public static SshAgentFactory factory(Path socket) {
    return new SshAgentFactory() {
      @Override
      public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of(); // no agent forwarding to remote hosts
      }

      @Override
      public SshAgent createClient(Session session, FactoryManager manager) {
        return new UnixAgent(socket);
      }

      @Override
      public SshAgentServer createServer(ConnectionService service) {
        throw new UnsupportedOperationException("Sixkit never forwards an agent");
      }
    };
  }

  @Override
  protected synchronized Buffer request(Buffer buffer) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ByteBuffer len = ByteBuffer.allocate(4);
      readFully(ch, len);
      int n = len.flip().getInt();
      if (n <= 0 || n > MAX_MESSAGE) {
        throw new IOException("the agent at " + socket + " answered a message of " + n + " bytes");
      }
      ByteBuffer body = ByteBuffer.allocate(n);
      readFully(ch, body);
      return new ByteArrayBuffer(body.array());
    } catch (IOException e) {
      throw new IOException("SSH agent at " + socket + ": " + e.getMessage(), e);
    }
  }

  private void readFully(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new IOException("the agent closed the connection");
      }
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
    super.close();
  }

  @Override
  public String toString() {
    return "agent " + socket;
  }
}
