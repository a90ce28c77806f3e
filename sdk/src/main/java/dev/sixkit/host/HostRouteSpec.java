package dev.sixkit.host;

import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Route;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route write, the part that is the same however the host is reached: add is UNCHANGED when
 * the route exists, replace says before and after, delete is UNCHANGED when there is none.
 * Subclasses only read the routes and send the write.
 *
 * <p>Not meant as API (cannot be extended outside this package): program against {@link
 * Host.RouteSpec}.
 *
 * <p>Immutable; thread-safe when the subclass's reads and writes are.
 */
public abstract class HostRouteSpec implements Host.RouteSpec {
  private static final Logger log = LoggerFactory.getLogger(HostRouteSpec.class);

  final String host;
  final RouteIntent intent;

  HostRouteSpec(String host, RouteIntent intent) {
    this.host = host;
    this.intent = intent;
  }

  /**
   * The first step of a route write to {@code destination} on a host: via a gateway, or out of a
   * device (checked by the host's {@link #device}); {@code spec} makes that host's write.
   */
  static Host.RouteTarget target(String destination, Function<RouteIntent, HostRouteSpec> spec) {
    IpPrefix dst = IpPrefix.parse(destination).network();
    return new Host.RouteTarget() {
      @Override
      public Host.RouteSpec via(String gateway) {
        return spec.apply(new RouteIntent(dst, IpAddresses.parse(gateway), null, -1));
      }

      @Override
      public Host.RouteSpec dev(String device) {
        return spec.apply(new RouteIntent(dst, null, null, -1)).dev(device);
      }
    };
  }

  /** The same write with other settings. */
  abstract HostRouteSpec with(RouteIntent next);

  /** A device name as this host accepts it (checked here, before anything is sent). */
  String device(String name) {
    return name;
  }

  /** The host's routes now (main table). */
  abstract List<Route> routes();

  /** Sends {@code verb} (add, replace or delete); {@code change} is what it will be reported as. */
  abstract void send(String verb, Change change);

  @Override
  public Host.RouteSpec dev(String name) {
    return with(new RouteIntent(intent.destination(), intent.via(), device(name), intent.metric(), intent.protocol()));
  }

  @Override
  public Host.RouteSpec metric(int metric) {
    return with(new RouteIntent(intent.destination(), intent.via(), intent.device(), metric, intent.protocol()));
  }

  @Override
  public Host.RouteSpec protocol(int protocol) {
    return with(new RouteIntent(intent.destination(), intent.via(), intent.device(), intent.metric(), protocol));
  }

  /** Whether the asked-for route is there now. */
  boolean present() {
    return intent.current(routes()).stream().anyMatch(intent::matches);
  }

  @Override
  public final Change add() {
    for (Route r : intent.current(routes())) {
      if (intent.matches(r)) {
        return Change.unchanged(host, intent.object(), RouteIntent.describe(r));
      }
    }
    return sent("add", Change.added(host, intent.object(), intent.wanted()));
  }

  @Override
  public final Change replace() {
    List<Route> now = intent.current(routes());
    for (Route r : now) {
      if (intent.matches(r)) {
        return Change.unchanged(host, intent.object(), RouteIntent.describe(r));
      }
    }
    return sent("replace", now.isEmpty() ? Change.added(host, intent.object(), intent.wanted())
        : new Change(host, Change.Kind.CHANGED, intent.object(), RouteIntent.describe(now.get(0)), intent.wanted()));
  }

  @Override
  public final Change delete() {
    for (Route r : intent.current(routes())) {
      if (intent.matches(r)) {
        return sent("delete", Change.removed(host, intent.object(), RouteIntent.describe(r)));
      }
    }
    return Change.unchanged(host, intent.object(), "");
  }

  private Change sent(String verb, Change c) {
    send(verb, c);
    log.debug("{}", c);
    return c;
  }
}
