package dev.sixkit.sync;

import dev.sixkit.netlink.Event;
import dev.sixkit.netlink.Events;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Multicast;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.NetlinkException;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of the sync's inputs, on the uplink's namespace. The kernel sends no
 * notification for proxy entries, but each entry joins the solicited-node group of its address on
 * the uplink and the kernel announces the group's last leave (RTM_DELMULTICAST, Linux 6.13+, see
 * {@link Multicast}): an entry deleted or flushed behind the sync's back is noticed at once. Link
 * events of the uplink (down, up, gone, renamed; a device going down flushes its proxy entries)
 * ask for a kernel-side reconcile, an event loss (ENOBUFS) for a full one.
 *
 * <p>Thread-safe: events arrive on the subscription's thread and only enqueue tasks.
 */
final class KernelWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KernelWatch.class);

  private final Events.Subscription subscription;
  private final boolean multicast;

  KernelWatch(Netlink nl, String hostName, String uplink, IntSupplier uplinkIndex, Consumer<SyncTask> tasks) {
    Events.Subscription s;
    boolean mc;
    try {
      s = nl.events(Events.Group.LINK, Events.Group.IPV6_MULTICAST);
      mc = true;
    } catch (NetlinkException e) {
      log.warn("{}: no IPv6 multicast notifications here ({}): an entry flushed behind the sync's back is noticed only "
          + "by the audit (auditInterval)", hostName, e.getMessage());
      s = nl.events(Events.Group.LINK);
      mc = false;
    }
    s.receiveBuffer(1 << 20);
    s.onEvent(e -> {
      if (e instanceof Event.EventsLost) {
        tasks.accept(new SyncTask.Full("netlink events lost", true));
      } else if (e instanceof Event.LinkEvent le) {
        Link l = le.link();
        if (l.index() == uplinkIndex.getAsInt() || uplink.equals(l.name())) {
          tasks.accept(new SyncTask.Full("uplink " + (le.removed() ? "removed" : l.isUp() ? "up" : "down"), false));
        }
      } else {
        Multicast.change(e).filter(c -> c.removed() && c.ifindex() == uplinkIndex.getAsInt())
            .ifPresent(c -> tasks.accept(new SyncTask.GroupLeft(c.group())));
      }
    });
    this.subscription = s;
    this.multicast = mc;
  }

  /** Whether multicast notifications (the flush signal) are watched. */
  boolean watchesMulticast() {
    return multicast;
  }

  @Override
  public void close() {
    subscription.close();
  }
}
