package dev.sixkit.host;

import dev.sixkit.internal.ssh.RemoteInput;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Route;
import java.util.List;

/** A route write on an SSH host: one ip -batch line in Sixkit's own spelling. Immutable; thread-safe. */
final class SshRouteSpec extends HostRouteSpec {
  private final SshHost host;

  SshRouteSpec(SshHost host, RouteIntent intent) {
    super(host.name(), intent);
    this.host = host;
  }

  @Override
  HostRouteSpec with(RouteIntent next) {
    return new SshRouteSpec(host, next);
  }

  @Override
  String device(String name) {
    return RemoteInput.ifname(host.target(), name);
  }

  @Override
  List<Route> routes() {
    return host.routes();
  }

  /** One ip -batch line: the destination and next hop in Sixkit's own spelling. */
  private String line(String verb) {
    StringBuilder sb = new StringBuilder("route ").append(verb).append(' ').append(intent.destination());
    if (intent.via() != null) {
      sb.append(" via ").append(IpAddresses.format(intent.via()));
    }
    if (intent.device() != null) {
      sb.append(" dev ").append(intent.device());
    }
    if (intent.metric() >= 0) {
      sb.append(" metric ").append(Integer.toUnsignedString(intent.metric()));
    }
    return sb.toString();
  }

  @Override
  void send(String verb, Change c) {
    boolean delete = verb.equals("delete");
    host.write(() -> {
      host.read(SshHost.BATCH, SshHost.lines(List.of(line(delete ? "del" : verb))), verb + " route", intent.destination().toString());
      return c;
    }, () -> present() != delete, c);
  }
}
