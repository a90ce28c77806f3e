package dev.sixkit.netlink;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A socket as sock_diag reports it ({@link SocketDiag}), with the processes that hold it open,
 * the way {@code ss -tnp} shows them.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param protocol "tcp"
 * @param family 4 or 6
 * @param state the TCP state, such as "LISTEN"
 * @param localAddress the local address ({@code ::} or {@code 0.0.0.0} for every address)
 * @param localPort the local port
 * @param remoteAddress the peer's address (unspecified for a listening socket)
 * @param remotePort the peer's port (0 for a listening socket)
 * @param boundDevice the interface index the socket is bound to (SO_BINDTODEVICE), 0 for none
 * @param inode the socket's inode number (as in /proc/PID/fd links: socket:[INODE])
 * @param uid the owner's user id
 * @param receiveQueue for a listening socket, the connections waiting to be accepted
 * @param sendQueue for a listening socket, its backlog
 * @param processes the processes holding it open (empty when none could be found)
 * @param v6Only for an IPv6 socket, whether IPV6_V6ONLY is set (INET_DIAG_SKV6ONLY; ss's
 *     {@code v6only:1}): a {@code [::]} listener then takes no IPv4 connections. False for IPv4.
 */
public record Socket(String protocol, int family, String state, InetAddress localAddress, int localPort,
    InetAddress remoteAddress, int remotePort, int boundDevice, long inode, int uid, int receiveQueue, int sendQueue,
    List<Owner> processes, boolean v6Only) {

  /**
   * Copies {@code processes}; the addresses must not be null.
   *
   * @param protocol as {@link #protocol()}
   * @param family as {@link #family()}
   * @param state as {@link #state()}
   * @param localAddress as {@link #localAddress()}
   * @param localPort as {@link #localPort()}
   * @param remoteAddress as {@link #remoteAddress()}
   * @param remotePort as {@link #remotePort()}
   * @param boundDevice as {@link #boundDevice()}
   * @param inode as {@link #inode()}
   * @param uid as {@link #uid()}
   * @param receiveQueue as {@link #receiveQueue()}
   * @param sendQueue as {@link #sendQueue()}
   * @param processes as {@link #processes()}
   * @param v6Only as {@link #v6Only()}
   * @throws NullPointerException when {@code localAddress} or {@code remoteAddress} is null
   */
  public Socket {
    Objects.requireNonNull(localAddress, "localAddress");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    processes = List.copyOf(processes);
  }

  /**
   * A socket whose IPV6_V6ONLY is unknown, taken as not set.
   *
   * @param protocol as {@link #protocol()}
   * @param family as {@link #family()}
   * @param state as {@link #state()}
   * @param localAddress as {@link #localAddress()}
   * @param localPort as {@link #localPort()}
   * @param remoteAddress as {@link #remoteAddress()}
   * @param remotePort as {@link #remotePort()}
   * @param boundDevice as {@link #boundDevice()}
   * @param inode as {@link #inode()}
   * @param uid as {@link #uid()}
   * @param receiveQueue as {@link #receiveQueue()}
   * @param sendQueue as {@link #sendQueue()}
   * @param processes as {@link #processes()}
   */
  public Socket(String protocol, int family, String state, InetAddress localAddress, int localPort,
      InetAddress remoteAddress, int remotePort, int boundDevice, long inode, int uid, int receiveQueue, int sendQueue,
      List<Owner> processes) {
    this(protocol, family, state, localAddress, localPort, remoteAddress, remotePort, boundDevice, inode, uid,
        receiveQueue, sendQueue, processes, false);
  }

  /**
   * Whether it takes IPv4 connections too: an IPv6 socket on {@code ::} without IPV6_V6ONLY
   * (IPv4 reaches it as ::ffff:a.b.c.d), or any IPv4 socket.
   *
   * @return true when IPv4 clients can connect to it
   */
  public boolean takesIpv4() {
    return family == 4 || (anyAddress() && !v6Only);
  }

  /**
   * This socket with its owners.
   *
   * @param owners the processes holding it
   * @return a copy with {@link #processes()} set
   */
  public Socket withProcesses(List<Owner> owners) {
    return new Socket(protocol, family, state, localAddress, localPort, remoteAddress, remotePort, boundDevice, inode,
        uid, receiveQueue, sendQueue, owners, v6Only);
  }

  /**
   * A process holding a socket open.
   *
   * <p>Immutable record; thread-safe.
   *
   * @param pid the process id
   * @param command its name (/proc/PID/comm), such as "docker-proxy"
   * @param fd the descriptor number the socket has in it
   */
  public record Owner(long pid, String command, int fd) {
    @Override
    public String toString() {
      return "(\"" + command + "\",pid=" + pid + ",fd=" + fd + ")";
    }
  }

  /**
   * Whether it listens on every address of its family ({@code ::} or {@code 0.0.0.0}).
   *
   * @return true for a wildcard address
   */
  public boolean anyAddress() {
    return localAddress.isAnyLocalAddress();
  }

  /**
   * "[::]:8080" or "0.0.0.0:22", as ss prints the local end.
   *
   * @return the local end as text
   */
  public String local() {
    return endpoint(localAddress, localPort);
  }

  /**
   * "[::]:*" for a listening socket, else the peer as "[addr]:port".
   *
   * @return the peer as text
   */
  public String peer() {
    return remotePort == 0 && remoteAddress.isAnyLocalAddress() ? endpoint(remoteAddress, -1) : endpoint(remoteAddress, remotePort);
  }

  /**
   * The first owner's command, or "" when none is known.
   *
   * @return the command name, or ""
   */
  public String command() {
    return processes.isEmpty() ? "" : processes.get(0).command();
  }

  private static String endpoint(InetAddress a, int port) {
    String host = a instanceof java.net.Inet6Address ? "[" + IpAddresses.format(a) + "]" : IpAddresses.format(a);
    return host + ":" + (port < 0 ? "*" : Integer.toString(port));
  }

  /** Like a line of {@code ss -ltnp}: "LISTEN 0 4096 [::]:8080 [::]:* users:(("docker-proxy",pid=7,fd=4))". */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(state).append(' ').append(receiveQueue).append(' ').append(sendQueue)
        .append(' ').append(local()).append(' ').append(peer());
    if (v6Only) {
      sb.append(" v6only:1");
    }
    if (!processes.isEmpty()) {
      sb.append(" users:(");
      for (int i = 0; i < processes.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(processes.get(i));
      }
      sb.append(')');
    }
    return sb.toString();
  }
}
