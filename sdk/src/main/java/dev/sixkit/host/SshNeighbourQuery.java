package dev.sixkit.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.internal.iproute.IpJson;
import dev.sixkit.internal.ssh.RemoteInput;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NudState;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The neighbour table of an SSH host, filtered step by step (on this side). Immutable; thread-safe. */
final class SshNeighbourQuery implements Host.NeighbourQuery {
  private final SshHost host;
  private final String dev;
  private final Set<NudState> states;
  private final InetAddress address;

  SshNeighbourQuery(SshHost host, String dev, Set<NudState> states, InetAddress address) {
    this.host = host;
    this.dev = dev;
    this.states = states;
    this.address = address;
  }

  @Override
  public Host.NeighbourQuery dev(String device) {
    return new SshNeighbourQuery(host, RemoteInput.ifname(host.target(), device), states, address);
  }

  @Override
  public Host.NeighbourQuery state(NudState... wanted) {
    EnumSet<NudState> s = EnumSet.noneOf(NudState.class);
    s.addAll(List.of(wanted));
    return new SshNeighbourQuery(host, dev, s, address);
  }

  @Override
  public Host.NeighbourQuery address(String a) {
    return new SshNeighbourQuery(host, dev, states, IpAddresses.parse(a));
  }

  @Override
  public List<Neighbour> list() {
    List<JsonNode> v = host.readJson(SshHost.NEIGHBOURS, null, "list neighbours", dev == null ? "" : "dev " + dev, 2);
    Map<String, Integer> idx = SshHost.indexes(v.get(0));
    if (dev != null && !idx.containsKey(dev)) {
      throw host.noDevice("list neighbours", "dev " + dev, dev);
    }
    return filter(IpJson.neighbours(v.get(1), idx));
  }

  /** The entries of {@code all} this query asks for: IPv6, no proxy entries, its device, address and states. */
  List<Neighbour> filter(List<Neighbour> all) {
    List<Neighbour> out = new ArrayList<>();
    for (Neighbour n : all) {
      if (!(n.address() instanceof Inet6Address) || n.isProxy() || (dev != null && !dev.equals(n.device()))
          || (address != null && !address.equals(n.address()))
          || (!states.isEmpty() && !states.contains(n.state()))) {
        continue;
      }
      out.add(n);
    }
    return out;
  }
}
