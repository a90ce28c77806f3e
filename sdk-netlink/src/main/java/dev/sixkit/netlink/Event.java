package dev.sixkit.netlink;

import java.util.Arrays;

/**
 * One change the kernel announced on a subscription ({@link Netlink#events}).
 *
 * <pre>{@code
 * if (e instanceof Event.NeighbourEvent ne && !ne.removed()) { ... }
 * else if (e instanceof Event.EventsLost) { resync(); }   // some events were dropped
 * }</pre>
 *
 * <p>Immutable records; thread-safe.
 */
public sealed interface Event
    permits Event.LinkEvent, Event.NeighbourEvent, Event.AddressEvent, Event.RouteEvent, Event.RawEvent,
    Event.EventsLost {

  /**
   * A link appeared or changed (RTM_NEWLINK: flags, name, MTU, carrier...), or went away
   * (RTM_DELLINK, {@code removed}).
   *
   * @param removed true for RTM_DELLINK: the link went away
   * @param link the link as the message describes it
   */
  record LinkEvent(boolean removed, Link link) implements Event {
    @Override
    public String toString() {
      return (removed ? "deleted link " : "link ") + link.index() + ": " + link.name()
          + (link.isUp() ? " up" : " down") + " " + link.operState();
    }
  }

  /**
   * A neighbour entry appeared or changed state (RTM_NEWNEIGH), or went away (RTM_DELNEIGH,
   * {@code removed}).
   *
   * @param removed true for RTM_DELNEIGH: the entry went away
   * @param neighbour the entry as the message describes it
   */
  record NeighbourEvent(boolean removed, Neighbour neighbour) implements Event {
    @Override
    public String toString() {
      return (removed ? "deleted " : "") + neighbour;
    }
  }

  /**
   * An address was added or changed (RTM_NEWADDR), or removed (RTM_DELADDR, {@code removed}).
   *
   * @param removed true for RTM_DELADDR: the address was removed
   * @param address the address as the message describes it
   */
  record AddressEvent(boolean removed, Address address) implements Event {
    @Override
    public String toString() {
      return (removed ? "deleted address " : "address ") + address;
    }
  }

  /**
   * A route was added or changed (RTM_NEWROUTE), or removed (RTM_DELROUTE, {@code removed}).
   *
   * @param removed true for RTM_DELROUTE: the route was removed
   * @param route the route as the message describes it
   */
  record RouteEvent(boolean removed, Route route) implements Event {
    @Override
    public String toString() {
      return (removed ? "deleted route " : "route ") + route;
    }
  }

  /**
   * A message of a group this library does not decode into a record: its rtnetlink type and a
   * copy of the whole message, header included, in native byte order.
   *
   * @param type the rtnetlink message type (nlmsg_type)
   * @param message the whole message, header included, in native byte order
   */
  record RawEvent(int type, byte[] message) implements Event {
    /**
     * Copies {@code message}, so the event stays immutable.
     *
     * @param type as {@link #type()}
     * @param message as {@link #message()}
     */
    public RawEvent {
      message = message.clone();
    }

    /**
     * The whole message, header included, in native byte order.
     *
     * @return a copy of the message bytes
     */
    @Override
    public byte[] message() {
      return message.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RawEvent r && r.type == type && Arrays.equals(r.message, message);
    }

    @Override
    public int hashCode() {
      return 31 * type + Arrays.hashCode(message);
    }

    @Override
    public String toString() {
      return "rtnetlink message type " + type + " (" + message.length + " bytes)";
    }
  }

  /**
   * The kernel dropped events because the subscription's receive buffer was full (ENOBUFS):
   * state seen so far may be stale, so read it again in full (resync). Events after this one
   * arrive as usual.
   */
  record EventsLost() implements Event {
    @Override
    public String toString() {
      return "events lost, resync";
    }
  }
}
