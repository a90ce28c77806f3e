package dev.sixkit.plan;

import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.Protocols;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One write a plan makes on one host, and what it takes to revert it. Each step is idempotent:
 * applying it when the host is already so returns an UNCHANGED change. Immutable records.
 */
public sealed interface Step permits Step.Sysctl, Step.Proxy, Step.Route, Step.File, Step.Network {

  /**
   * The change the plan expects this step to make.
   *
   * @param host the host's name
   * @return the expected change
   */
  Change planned(String host);

  /**
   * Makes the change and returns what it did.
   *
   * @param host the host
   * @param files the host's files (for file steps)
   * @return the change made, UNCHANGED when it was already so
   */
  Change apply(Host host, HostFiles files);

  /**
   * The step that reverts this one.
   *
   * @return the inverse step
   */
  Step inverse();

  /**
   * Order on a host: sysctls first (proxy entries need proxy_ndp), files last.
   *
   * @return a smaller number runs first
   */
  int order();

  /**
   * The step as flat text fields, as the undo record keeps it; {@link #fromMap} reads it back.
   *
   * @return field name to value, "type" included
   */
  Map<String, String> toMap();

  /**
   * Reads a step written by {@link #toMap()}.
   *
   * @param m the fields
   * @return the step
   * @throws NullPointerException when the map has no "type"
   */
  static Step fromMap(Map<String, String> m) {
    String type = Objects.requireNonNull(m.get("type"), "type");
    return switch (type) {
      case "sysctl" -> new Sysctl(m.get("key"), m.get("before"), m.get("after"));
      case "proxy" -> new Proxy(m.get("uplink"), m.get("address"), Boolean.parseBoolean(m.get("add")));
      case "route" -> new Route(m.get("destination"), Hop.parse(m.get("before")), Hop.parse(m.get("after")));
      case "file" -> new File(m.get("path"), m.get("before"), m.get("after"));
      case "network" -> new Network(m.get("name"), m.get("subnet"), Boolean.parseBoolean(m.get("add")));
      default -> throw new IllegalArgumentException("unknown step type " + type);
    };
  }

  /**
   * A sysctl set from one value to another.
   *
   * @param key the dotted key, such as {@code net.ipv6.conf.eth0.proxy_ndp}
   * @param before the value read before, or null when it was not read
   * @param after the value set
   */
  record Sysctl(String key, String before, String after) implements Step {
    @Override
    public Change planned(String host) {
      return Change.of(host, "sysctl " + key, before, after);
    }

    @Override
    public Change apply(Host host, HostFiles files) {
      return host.sysctl(key, after);
    }

    @Override
    public Step inverse() {
      return new Sysctl(key, after, before);
    }

    @Override
    public int order() {
      return 0;
    }

    @Override
    public Map<String, String> toMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("type", "sysctl");
      m.put("key", key);
      m.put("before", before);
      m.put("after", after);
      return m;
    }
  }

  /**
   * A proxy neighbour entry added or removed on the uplink.
   *
   * @param uplink the device the entry is on
   * @param address the proxied IPv6 address
   * @param add true to add the entry, false to remove it
   */
  record Proxy(String uplink, String address, boolean add) implements Step {
    private String object() {
      return "proxy " + address + " dev " + uplink;
    }

    @Override
    public Change planned(String host) {
      return add ? Change.added(host, object(), "present") : Change.removed(host, object(), "present");
    }

    @Override
    public Change apply(Host host, HostFiles files) {
      Host.ProxyNdp p = host.proxyNdp(uplink);
      // Marked as Sixkit's, so a later plan (and the sync) know it may remove it again.
      return add ? p.proxy(address, Protocols.SIXKIT) : p.unproxy(address);
    }

    @Override
    public Step inverse() {
      return new Proxy(uplink, address, !add);
    }

    @Override
    public int order() {
      return 1;
    }

    @Override
    public Map<String, String> toMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("type", "proxy");
      m.put("uplink", uplink);
      m.put("address", address);
      m.put("add", Boolean.toString(add));
      return m;
    }
  }

  /**
   * A next hop: via GATEWAY dev DEVICE [metric N]; metric -1 means the kernel's default.
   *
   * @param via the gateway's address, or null for an on-link route
   * @param dev the device
   * @param metric the route's metric, -1 for the kernel's default
   */
  record Hop(String via, String dev, int metric) {
    @Override
    public String toString() {
      return (via != null ? "via " + via + " " : "") + "dev " + dev + (metric >= 0 ? " metric " + metric : "");
    }

    static Hop parse(String s) {
      if (s == null || s.isEmpty()) {
        return null;
      }
      String via = null;
      String dev = null;
      int metric = -1;
      String[] w = s.trim().split("\\s+");
      for (int i = 0; i + 1 < w.length; i += 2) {
        switch (w[i]) {
          case "via" -> via = w[i + 1];
          case "dev" -> dev = w[i + 1];
          case "metric" -> metric = Integer.parseInt(w[i + 1]);
          default -> throw new IllegalArgumentException("bad hop " + s);
        }
      }
      return new Hop(via, dev, metric);
    }
  }

  /**
   * A route added (before null), removed (after null) or moved to another next hop.
   *
   * @param destination the destination prefix
   * @param before the next hop before, or null when the route is added
   * @param after the next hop after, or null when the route is removed
   */
  record Route(String destination, Hop before, Hop after) implements Step {
    private String object() {
      return "route " + destination;
    }

    @Override
    public Change planned(String host) {
      if (before == null) {
        return Change.added(host, object(), after.toString());
      }
      if (after == null) {
        return Change.removed(host, object(), before.toString());
      }
      return new Change(host, Change.Kind.CHANGED, object(), before.toString(), after.toString());
    }

    private static Host.RouteSpec spec(Host host, String dst, Hop h) {
      Host.RouteSpec s = h.via() != null ? host.route(dst).via(h.via()).dev(h.dev()) : host.route(dst).dev(h.dev());
      // Marked as Sixkit's (what it adds; a delete matches any protocol).
      s = s.protocol(Protocols.SIXKIT);
      return h.metric() >= 0 ? s.metric(h.metric()) : s;
    }

    @Override
    public Change apply(Host host, HostFiles files) {
      if (before == null) {
        return spec(host, destination, after).add();
      }
      if (after == null) {
        return spec(host, destination, before).delete();
      }
      // Another next hop: remove the old route (its metric may differ) and add the new one.
      Change removed = spec(host, destination, before).delete();
      Change added = spec(host, destination, after).add();
      if (!removed.changed() && !added.changed()) {
        return added;
      }
      return new Change(host.name(), Change.Kind.CHANGED, object(), removed.changed() ? before.toString() : "",
          after.toString());
    }

    @Override
    public Step inverse() {
      return new Route(destination, after, before);
    }

    @Override
    public int order() {
      return 1;
    }

    @Override
    public Map<String, String> toMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("type", "route");
      m.put("destination", destination);
      m.put("before", before == null ? "" : before.toString());
      m.put("after", after == null ? "" : after.toString());
      return m;
    }
  }

  /**
   * A file written (before null: it did not exist) or deleted (after null), whole.
   *
   * @param path the file's path on the host
   * @param before its text before, or null when it did not exist
   * @param after its text after, or null when it is deleted
   */
  record File(String path, String before, String after) implements Step {
    private String object() {
      return "file " + path;
    }

    static String summary(String text) {
      if (text == null) {
        return "";
      }
      long lines = text.lines().count();
      return lines + (lines == 1 ? " line" : " lines") + String.format(", #%06x", text.hashCode() & 0xffffff);
    }

    @Override
    public Change planned(String host) {
      if (before == null) {
        return Change.added(host, object(), summary(after));
      }
      if (after == null) {
        return Change.removed(host, object(), summary(before));
      }
      return new Change(host, Change.Kind.CHANGED, object(), summary(before), summary(after));
    }

    @Override
    public Change apply(Host host, HostFiles files) {
      String now = files.read(path).orElse(null);
      if (Objects.equals(now, after)) {
        return Change.unchanged(host.name(), object(), summary(after));
      }
      if (after == null) {
        files.delete(path);
        return Change.removed(host.name(), object(), summary(now));
      }
      files.write(path, after);
      return now == null ? Change.added(host.name(), object(), summary(after))
          : new Change(host.name(), Change.Kind.CHANGED, object(), summary(now), summary(after));
    }

    @Override
    public Step inverse() {
      return new File(path, after, before);
    }

    @Override
    public int order() {
      return 2;
    }

    @Override
    public Map<String, String> toMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("type", "file");
      m.put("path", path);
      if (before != null) {
        m.put("before", before);
      }
      if (after != null) {
        m.put("after", after);
      }
      return m;
    }
  }

  /**
   * A user-defined IPv6 bridge network in routed gateway mode, created or removed. Removing one
   * that still has containers fails, naming them: undo leaves it (and its record) until they are
   * gone, and a later undo finishes.
   *
   * @param name the network's name
   * @param subnet its IPv6 subnet
   * @param add true to create it, false to remove it
   */
  record Network(String name, String subnet, boolean add) implements Step {
    /** What the step writes and reads back as the network's state. */
    private String value() {
      return "ipv6 " + subnet + " " + dev.sixkit.docker.DockerNetwork.GATEWAY_MODE_IPV6 + "=routed";
    }

    private String object() {
      return "docker network " + name;
    }

    @Override
    public Change planned(String host) {
      return add ? Change.added(host, object(), value()) : Change.removed(host, object(), value());
    }

    @Override
    public Change apply(Host host, HostFiles files) {
      dev.sixkit.docker.Docker d = host.docker();
      java.util.Optional<dev.sixkit.docker.DockerNetwork> now = d.findNetwork(name);
      if (add) {
        if (now.isPresent()) {
          return Change.unchanged(host.name(), object(), value());
        }
        d.newNetwork(name).ipv6().subnet(subnet)
            .option(dev.sixkit.docker.DockerNetwork.GATEWAY_MODE_IPV6, "routed").create();
        return Change.added(host.name(), object(), value());
      }
      if (now.isEmpty()) {
        return Change.unchanged(host.name(), object(), "absent");
      }
      java.util.List<String> on = d.containers().stream()
          .filter(c -> c.networks().stream().anyMatch(n -> name.equals(n.network())))
          .map(dev.sixkit.docker.Container::name).sorted().toList();
      if (!on.isEmpty()) {
        throw new dev.sixkit.SixkitException("remove docker network", name, "containers are still on it: "
            + String.join(", ", on) + " (docker network disconnect " + name + " NAME, or remove them, then undo again)");
      }
      d.removeNetwork(name);
      return Change.removed(host.name(), object(), value());
    }

    @Override
    public Step inverse() {
      return new Network(name, subnet, !add);
    }

    @Override
    public int order() {
      return 0; // before the proxy entries of the containers that will join it
    }

    @Override
    public Map<String, String> toMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("type", "network");
      m.put("name", name);
      m.put("subnet", subnet);
      m.put("add", Boolean.toString(add));
      return m;
    }
  }
}
