package dev.sixkit.internal.ssh;

import java.io.IOException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.ChannelPipedInputStream;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * An OpenSSH {@code direct-streamlocal@openssh.com} channel: a byte stream to a unix socket on
 * the server (here the remote Docker Engine's), as {@code ssh -L local.sock:/var/run/docker.sock}
 * opens. Apache MINA SSHD's client only opens TCP forwards; this channel is its {@code
 * direct-tcpip} channel with OpenSSH's open message (PROTOCOL, section 2.4: socket path, reserved
 * string, reserved uint32). The server must allow it (OpenSSH's AllowStreamLocalForwarding,
 * default yes).
 *
 * <p>Thread-safety as MINA's channels: open once; the streams are used by one pump each.
 */
public final class StreamLocalChannel extends ChannelDirectTcpip {
  public static final String TYPE = "direct-streamlocal@openssh.com";

  private final String socketPath;

  public StreamLocalChannel(String socketPath) {
    // The TCP addresses are never sent; the parent needs some.
    super(new SshdSocketAddress("localhost", 0), new SshdSocketAddress("localhost", 0));
    this.socketPath = socketPath;
  }

  @Override
  public String getChannelType() {
    return TYPE;
  }

  public String socketPath() {
    return socketPath;
  }

  @Override
  public synchronized OpenFuture open() throws IOException {
    if (closeFuture.isClosed()) {
      throw new SshException("Session has been closed");
    }
    openFuture = new DefaultOpenFuture(socketPath, futureLock);
    Session session = getSession();
    LocalWindow window = getLocalWindow();
    Buffer b = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, TYPE.length() + socketPath.length() + 64);
    b.putString(TYPE);
    b.putUInt(getChannelId());
    b.putUInt(window.getSize());
    b.putUInt(window.getPacketSize());
    b.putString(socketPath);
    b.putString(""); // reserved
    b.putUInt(0); // reserved
    writePacket(b);
    return openFuture;
  }

  /**
   * The remote socket's end of stream: MINA's channel marks it but leaves the piped stream
   * waiting for more, so a reader would block until the channel closes. Tell the pipe.
   */
  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    if (invertedOut instanceof ChannelPipedInputStream pipe) {
      pipe.eof();
    }
  }

  @Override
  public String toString() {
    return TYPE + "[" + socketPath + "]";
  }
}
