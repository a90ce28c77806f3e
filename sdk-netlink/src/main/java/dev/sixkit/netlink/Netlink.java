package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.LibC;
import dev.sixkit.netlink.internal.NamespaceThread;
import dev.sixkit.netlink.internal.NetlinkSocket;
import java.util.concurrent.Callable;

/**
 * The entry point: an rtnetlink client bound to one network namespace.
 *
 * <pre>{@code
 * try (Netlink nl = Netlink.open("docker1")) {
 *   nl.sysctls().ipv6("eth0").proxyNdp(true);
 *   nl.neighbours().proxy("2001:db8:ab11:0:8000::2").dev("eth0").add();
 *   nl.neighbours().proxies().dev("eth0").list().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Its socket is opened on a dedicated platform thread inside the namespace, so every request,
 * from any thread, lands there; the caller's own namespace is never touched. Thread-safe:
 * requests from several threads are serialised on the one socket. Close it to release the
 * socket and the namespace thread.
 */
public final class Netlink implements AutoCloseable {
  private final Netns netns;
  private final NamespaceThread thread;
  private final Connection socket;
  private final Links links;
  private final Addresses addresses;
  private final Routes routes;
  private final Neighbours neighbours;
  private final Sysctls sysctls;

  private Netlink(Netns netns, NamespaceThread thread) {
    this(netns, thread, thread.call(() -> NetlinkSocket.open(LibC.NETLINK_ROUTE)));
  }

  private Netlink(Netns netns, NamespaceThread thread, Connection connection) {
    this.netns = netns;
    this.thread = thread;
    this.socket = connection;
    this.links = new Links(this);
    this.addresses = new Addresses(this);
    this.routes = new Routes(this);
    this.neighbours = new Neighbours(this);
    this.sysctls = new Sysctls(this);
  }

  /**
   * A client for this process's own network namespace.
   *
   * @return a client; close it to release its socket and thread
   */
  public static Netlink open() {
    return new Netlink(Netns.current(), NamespaceThread.current());
  }

  /**
   * A client for a named namespace (as {@code ip netns} names them).
   *
   * @param netnsName the name under /run/netns
   * @return a client bound to that namespace
   * @throws NetlinkException ENOENT when no namespace has that name
   */
  public static Netlink open(String netnsName) {
    return open(Netns.open(netnsName));
  }

  /**
   * A client for the given namespace.
   *
   * @param netns the namespace
   * @return a client bound to that namespace
   */
  public static Netlink open(Netns netns) {
    if (netns.isCurrent()) {
      return open();
    }
    NamespaceThread t = NamespaceThread.enter(netns.path().toString(), netns.label());
    try {
      return new Netlink(netns, t);
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /**
   * A client whose families talk to {@code connection} instead of a kernel socket: for unit
   * tests, with the fake connection of the sdk-netlink test jar (captured kernel answers, request
   * counts). It belongs to no namespace: {@link #sysctls()}, {@link #sockets()},
   * {@link #events} and {@link #inNamespace} fail with UnsupportedOperationException. Closing the
   * client closes the connection.
   *
   * @param connection the connection every family talks to
   * @return a client with no namespace of its own
   */
  public static Netlink over(Connection connection) {
    java.util.Objects.requireNonNull(connection, "connection");
    return new Netlink(Netns.current(), null, connection);
  }

  /**
   * The namespace this client works in.
   *
   * @return the namespace, or null for a client made by {@link #over(Connection)}
   */
  public Netns netns() {
    return netns;
  }

  /**
   * Network interfaces: list, get, create veth and bridges, change, move, delete.
   *
   * @return the links family
   */
  public Links links() {
    return links;
  }

  /**
   * Interface addresses.
   *
   * @return the addresses family
   */
  public Addresses addresses() {
    return addresses;
  }

  /**
   * Routes and route lookups.
   *
   * @return the routes family
   */
  public Routes routes() {
    return routes;
  }

  /**
   * Neighbour (NDP/ARP) entries, proxy entries included.
   *
   * @return the neighbours family
   */
  public Neighbours neighbours() {
    return neighbours;
  }

  /**
   * Per-namespace sysctls under net.ipv6.conf and net.ipv4.
   *
   * @return the sysctls of this namespace
   */
  public Sysctls sysctls() {
    return sysctls;
  }

  /**
   * Sockets through sock_diag: TCP listeners with their processes, like {@code ss -ltnp}.
   *
   * @return the socket diagnostics of this namespace
   */
  public SocketDiag sockets() {
    return new SocketDiag(this);
  }

  /**
   * Opens a subscription to change events in this namespace (its own socket). Close it when
   * done.
   *
   * @param groups the groups to join; at least one
   * @return an open subscription
   */
  public Events.Subscription events(Events.Group... groups) {
    return Events.subscribe(this, groups);
  }

  /**
   * Runs work on this client's namespace thread (in its namespace).
   *
   * @param <T> what the work returns
   * @param work the work to run; it may block
   * @return what {@code work} returned
   */
  public <T> T inNamespace(Callable<T> work) {
    if (thread == null) {
      throw new UnsupportedOperationException("this client runs over a test connection and has no namespace");
    }
    return thread.call(work);
  }

  /** The transport every family request goes through. */
  Connection socket() {
    return socket;
  }

  @Override
  public void close() {
    socket.close();
    if (thread != null) {
      thread.close();
    }
  }

  @Override
  public String toString() {
    return "Netlink[" + netns + "]";
  }
}
