package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.LibC;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.NetlinkSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change events (RTNLGRP_* multicast groups): links, neighbours, addresses and routes of one
 * namespace.
 *
 * <pre>{@code
 * try (Events.Subscription s = nl.events(Events.Group.NEIGHBOUR, Events.Group.LINK)) {
 *   Optional<Event> e = s.next(Duration.ofSeconds(5));          // pull
 * }
 * Events.Subscription s = nl.events(Events.Group.NEIGHBOUR)
 *     .onEvent(e -> System.out.println(e));                       // push, on its own thread
 * }</pre>
 *
 * <p>Each subscription has its own netlink socket, opened on the client's namespace thread so it
 * hears that namespace. When the kernel drops events because the socket's receive buffer filled
 * up (ENOBUFS), the subscription delivers {@link Event.EventsLost} and carries on: the reader
 * should then read the state it tracks again in full.
 *
 * <p>Thread-safe: {@link Subscription#next} may be called from any thread (calls are serialised);
 * {@link Subscription#close} may be called from any thread, the handler's own included.
 */
public final class Events {
  private static final Logger log = LoggerFactory.getLogger(Events.class);
  private static final int SLICE_MILLIS = 200;

  private Events() {}

  /** Multicast groups one can subscribe to, with their RTNLGRP_* numbers. Immutable; thread-safe. */
  public enum Group {
    /** Interfaces made, changed or deleted (RTNLGRP_LINK). */
    LINK(1),
    /** Neighbour entries, proxy entries included (RTNLGRP_NEIGH). */
    NEIGHBOUR(3),
    /** IPv4 addresses (RTNLGRP_IPV4_IFADDR). */
    IPV4_ADDRESS(5),
    /** IPv4 routes (RTNLGRP_IPV4_ROUTE). */
    IPV4_ROUTE(7),
    /** IPv6 addresses (RTNLGRP_IPV6_IFADDR). */
    IPV6_ADDRESS(9),
    /** IPv6 routes (RTNLGRP_IPV6_ROUTE). */
    IPV6_ROUTE(11),
    /** IPv6 multicast memberships (RTNLGRP_IPV6_MCADDR, Linux 6.13+): see {@link Multicast}. */
    IPV6_MULTICAST(38);

    private final int rtnlgrp;

    Group(int rtnlgrp) {
      this.rtnlgrp = rtnlgrp;
    }

    /**
     * The kernel's RTNLGRP_* number.
     *
     * @return the group number
     */
    public int rtnlgrp() {
      return rtnlgrp;
    }
  }

  static Subscription subscribe(Netlink nl, Group... groups) {
    if (groups == null || groups.length == 0) {
      throw new NetlinkException(Errno.EINVAL, "subscribe to events", nl.netns().label(),
          "name at least one group, such as Events.Group.NEIGHBOUR");
    }
    EnumSet<Group> wanted = EnumSet.noneOf(Group.class);
    for (Group g : groups) {
      if (g == null) {
        throw new NetlinkException(Errno.EINVAL, "subscribe to events", nl.netns().label(), "a group is null");
      }
      wanted.add(g);
    }
    NetlinkSocket socket = nl.inNamespace(() -> NetlinkSocket.open(LibC.NETLINK_ROUTE));
    try {
      return new Subscription(nl, socket, wanted);
    } catch (RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * An open subscription: pull events with {@link #next}, or hand them to a handler with
   * {@link #onEvent}. Close it to stop (a push thread ends within a fraction of a second).
   *
   * <p>Thread-safe.
   */
  public static final class Subscription implements AutoCloseable {
    private final Netlink nl;
    private final NetlinkSocket socket;
    private final Set<Group> groups;
    // Neighbour messages carry only an ifindex: names come from link messages (the LINK group is
    // joined for that even when not asked for) and, on a miss, from one lookup. Names stay after
    // RTM_DELLINK so the RTM_DELNEIGH that follow still name their device.
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private final Object readLock = new Object();
    private volatile boolean closed;
    private volatile Thread pusher;

    private Subscription(Netlink nl, NetlinkSocket socket, Set<Group> groups) {
      this.nl = nl;
      this.socket = socket;
      this.groups = Collections.unmodifiableSet(EnumSet.copyOf(groups));
      for (Group g : groups) {
        socket.joinGroup(g.rtnlgrp());
      }
      if (groups.contains(Group.NEIGHBOUR)) {
        if (!groups.contains(Group.LINK)) {
          socket.joinGroup(Group.LINK.rtnlgrp());
        }
        for (Link l : nl.links().list()) {
          names.put(l.index(), l.name());
        }
      }
    }

    /**
     * The groups asked for.
     *
     * @return the groups, never empty
     */
    public Set<Group> groups() {
      return groups;
    }

    /**
     * Sets the socket's receive buffer (SO_RCVBUFFORCE as root, else SO_RCVBUF, which the
     * kernel caps at net.core.rmem_max). A bigger buffer rides out longer bursts before events
     * are lost; the kernel doubles the value and enforces a small minimum.
     *
     * @param bytes the buffer size asked for, in bytes
     * @return this subscription
     */
    public Subscription receiveBuffer(int bytes) {
      if (bytes <= 0) {
        throw new NetlinkException(Errno.EINVAL, "set receive buffer", Integer.toString(bytes), "a size in bytes above 0");
      }
      try {
        socket.setOption(LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
      } catch (NetlinkException e) {
        socket.setOption(LibC.SOL_SOCKET, LibC.SO_RCVBUF, bytes, "SO_RCVBUF");
      }
      return this;
    }

    /**
     * The next event, waiting at most {@code timeout}; empty on timeout or once closed. Fails
     * with IllegalStateException when a handler was set with {@link #onEvent}.
     *
     * @param timeout how long to wait at most
     * @return the event, or empty on timeout or once closed
     * @throws IllegalStateException when a handler was set with {@link #onEvent}
     */
    public Optional<Event> next(Duration timeout) {
      if (pusher != null) {
        throw new IllegalStateException("events go to the onEvent handler; next() is not available");
      }
      return poll(timeout.toNanos());
    }

    /**
     * Hands every event to {@code handler} on a dedicated daemon thread until closed. A handler
     * that throws is logged and called again for the next event. At most one handler.
     *
     * @param handler gets each event, on the subscription's thread
     * @return this subscription
     * @throws IllegalStateException when a handler was set before
     */
    public synchronized Subscription onEvent(Consumer<? super Event> handler) {
      if (handler == null) {
        throw new NullPointerException("handler");
      }
      if (pusher != null) {
        throw new IllegalStateException("this subscription already has a handler");
      }
      if (closed) {
        throw new IllegalStateException("subscription is closed");
      }
      Thread t = new Thread(() -> push(handler), "sixkit-events-" + nl.netns().label());
      t.setDaemon(true);
      pusher = t;
      t.start();
      return this;
    }

    private void push(Consumer<? super Event> handler) {
      while (!closed) {
        Optional<Event> e;
        try {
          e = poll(Duration.ofMillis(SLICE_MILLIS).toNanos());
        } catch (RuntimeException x) {
          if (!closed) {
            log.warn("events in {}: reading failed, stopping: {}", nl.netns().label(), x.toString());
          }
          return;
        }
        if (e.isPresent()) {
          try {
            handler.accept(e.get());
          } catch (RuntimeException x) {
            log.warn("events in {}: handler failed on {}", nl.netns().label(), e.get(), x);
          }
        }
      }
    }

    private Optional<Event> poll(long timeoutNanos) {
      long deadline = System.nanoTime() + timeoutNanos;
      synchronized (readLock) {
        while (true) {
          if (!pending.isEmpty()) {
            return Optional.of(pending.poll());
          }
          if (closed) {
            return Optional.empty();
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return Optional.empty();
          }
          // Short slices, so close() (which takes the socket's lock) is never kept waiting long.
          int slice = (int) Math.max(1, Math.min(SLICE_MILLIS, left / 1_000_000));
          int n = socket.receiveEvents(slice, this::decode);
          if (n == -Errno.ENOBUFS) {
            log.debug("events in {}: receive buffer overflowed, events lost", nl.netns().label());
            pending.add(new Event.EventsLost());
          }
        }
      }
    }

    /** Runs on the reading thread while the message's buffer is valid; copies what it keeps. */
    private void decode(Message m) {
      try {
        switch (m.type()) {
          case LinkCodec.RTM_NEWLINK, LinkCodec.RTM_DELLINK -> {
            Link l = LinkCodec.decode(m);
            if (l.name() != null) {
              names.put(l.index(), l.name());
            }
            if (groups.contains(Group.LINK)) {
              pending.add(new Event.LinkEvent(m.type() == LinkCodec.RTM_DELLINK, l));
            }
          }
          case NeighbourCodec.RTM_NEWNEIGH, NeighbourCodec.RTM_DELNEIGH -> {
            Neighbour n = NeighbourCodec.decode(m, this::name);
            if (n != null) {
              pending.add(new Event.NeighbourEvent(m.type() == NeighbourCodec.RTM_DELNEIGH, n));
            }
          }
          case AddressCodec.RTM_NEWADDR, AddressCodec.RTM_DELADDR -> {
            Address a = AddressCodec.decode(m, this::name);
            if (a != null) {
              pending.add(new Event.AddressEvent(m.type() == AddressCodec.RTM_DELADDR, a));
            }
          }
          case RouteCodec.RTM_NEWROUTE, RouteCodec.RTM_DELROUTE -> {
            Route r = RouteCodec.decode(m, this::name);
            if (r != null) {
              pending.add(new Event.RouteEvent(m.type() == RouteCodec.RTM_DELROUTE, r));
            }
          }
          default -> {
            byte[] raw = new byte[m.length()];
            m.buf().get(m.start(), raw);
            pending.add(new Event.RawEvent(m.type(), raw));
          }
        }
      } catch (NetlinkException e) {
        log.warn("events in {}: skipped a message of type {} that does not parse: {}", nl.netns().label(),
            m.type(), e.getMessage());
      }
    }

    private String name(int ifindex) {
      String n = names.get(ifindex);
      if (n != null) {
        return n;
      }
      try {
        n = nl.links().get(ifindex).name();
        names.put(ifindex, n);
        return n;
      } catch (NetlinkException e) {
        return ""; // gone already, or the client was closed
      }
    }

    /**
     * Whether {@link #close} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
      return closed;
    }

    /** Stops delivery, closes the socket and waits briefly for the push thread to end. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      socket.close();
      Thread t = pusher;
      if (t != null && t != Thread.currentThread()) {
        try {
          t.join(2000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** For tests: the subscription's own socket. */
    NetlinkSocket socket() {
      return socket;
    }

    @Override
    public String toString() {
      return "events " + groups + " in " + nl.netns().label() + (closed ? " (closed)" : "");
    }
  }
}
