package dev.sixkit.host;

import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Route;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A route a host write asks for, and how it compares with the routes a host has: the part of
 * route add/replace/delete that is the same whether the host is reached by netlink or over SSH.
 *
 * @param destination the destination prefix (host bits cleared)
 * @param via the gateway, or null
 * @param device the device, or null for any
 * @param metric the metric, or -1 for any
 *
 * <p>Immutable record; thread-safe. Not API: the public face of a route is {@link Host.RouteSpec}.
 */
record RouteIntent(IpPrefix destination, InetAddress via, String device, int metric, int protocol) {
  /** An unmarked route (protocol 0: the kernel's default for routes written without one). */
  RouteIntent(IpPrefix destination, InetAddress via, String device, int metric) {
    this(destination, via, device, metric, 0);
  }

  /** A route as Change texts show it: "via 2001:db8:ab11::2 dev eth0 metric 1024". */
  static String describe(Route r) {
    StringBuilder sb = new StringBuilder();
    if (r.gateway() != null) {
      sb.append("via ").append(IpAddresses.format(r.gateway())).append(' ');
    }
    return sb.append("dev ").append(r.device()).append(" metric ").append(r.metric()).toString();
  }

  /** The asked-for route in the same words. */
  String wanted() {
    StringBuilder sb = new StringBuilder();
    if (via != null) {
      sb.append("via ").append(IpAddresses.format(via)).append(' ');
    }
    if (device != null) {
      sb.append("dev ").append(device).append(' ');
    }
    if (metric >= 0) {
      sb.append("metric ").append(metric);
    }
    return sb.toString().trim();
  }

  /** The routes to the same destination (with the same metric, when one is asked for). */
  List<Route> current(List<Route> all) {
    List<Route> out = new ArrayList<>();
    for (Route r : all) {
      if (r.destination().equals(destination) && (metric < 0 || r.metric() == metric)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Whether an existing route is the one asked for. */
  boolean matches(Route r) {
    return (via == null || via.equals(r.gateway())) && (device == null || device.equals(r.device()))
        && (metric < 0 || metric == r.metric());
  }

  /** The object Change texts name: "route 2001:db8:ef11::/64". */
  String object() {
    return "route " + destination;
  }
}
