package dev.sixkit.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.plan.ApplyException;
import dev.sixkit.internal.iproute.IpErrors;
import dev.sixkit.internal.iproute.IpJson;
import dev.sixkit.internal.ssh.SshConnection;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NetlinkException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxy entries on one uplink of an SSH host; besides {@link Host.ProxyNdp}, many entries at
 * once in few round trips ({@link #proxyAll}, {@link #unproxyAll}). Immutable; thread-safe.
 */
public final class SshProxyNdp extends UplinkProxies {
  private static final Logger log = LoggerFactory.getLogger(SshProxyNdp.class);
  private final SshHost host;
  private final String name;

  SshProxyNdp(SshHost host, String uplink, List<Change> enabled) {
    super(host.name(), uplink, enabled);
    this.host = host;
    this.name = host.name();
  }

  private Set<InetAddress> present() {
    Set<InetAddress> s = new HashSet<>();
    for (Neighbour n : entries()) {
      s.add(n.address());
    }
    return s;
  }

  @Override
  boolean contains(InetAddress a) {
    return present().contains(a);
  }

  /** Marked entries too (ip neigh add proxy ADDR protocol N dev DEV): ownership reads the same over SSH. */
  @Override
  void add(InetAddress a, int protocol, Change c) {
    if (protocol == 0) {
      apply(a, true, c);
      return;
    }
    String target = IpAddresses.format(a) + " dev " + uplink;
    String line = "neigh add proxy " + IpAddresses.format(a) + " protocol " + protocol + " dev " + uplink;
    host.write(() -> host.read(SshHost.BATCH, SshHost.lines(List.of(line)), "add proxy neighbour", target),
        () -> present().contains(a), c);
  }

  @Override
  void apply(InetAddress a, boolean add, Change c) {
    String target = IpAddresses.format(a) + " dev " + uplink;
    String line = (add ? "neigh add proxy " : "neigh del proxy ") + target;
    host.write(() -> host.read(SshHost.BATCH, SshHost.lines(List.of(line)), add ? "add proxy neighbour" : "delete proxy neighbour", target),
        () -> present().contains(a) == add, c);
  }

  @Override
  public List<Neighbour> entries() {
    List<JsonNode> v = host.readJson(SshHost.PROXIES, null, "list proxy neighbours", "dev " + uplink, 2);
    Map<String, Integer> idx = SshHost.indexes(v.get(0));
    if (!idx.containsKey(uplink)) {
      throw host.noDevice("list proxy neighbours", "dev " + uplink, uplink);
    }
    List<Neighbour> out = new ArrayList<>();
    for (Neighbour n : IpJson.neighbours(v.get(1), idx)) {
      if (n.isProxy() && uplink.equals(n.device())) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Proxy entries for many addresses, sent {@value SshHost#CHUNK} lines per {@code ip -batch}.
   * Every address is checked before anything is sent.
   *
   * @param addresses IPv6 addresses, any textual form; duplicates count once; may be empty
   * @return one Change per distinct address, in order (UNCHANGED for those already there)
   * @throws dev.sixkit.SixkitException if an address is malformed or not IPv6 (nothing is sent)
   * @throws ApplyException when a line fails or the connection is lost part way: it lists the
   *     entries found in effect, those not, and those that could not be checked
   */
  public List<Change> proxyAll(Collection<String> addresses) {
    return applyAll(addresses, true);
  }

  /**
   * Removes the proxy entries of many addresses; see {@link #proxyAll}.
   *
   * @param addresses IPv6 addresses, any textual form; may be empty
   * @return one Change per distinct address, in order (UNCHANGED for those not there)
   * @throws dev.sixkit.SixkitException if an address is malformed or not IPv6 (nothing is sent)
   * @throws ApplyException when a line fails or the connection is lost part way
   */
  public List<Change> unproxyAll(Collection<String> addresses) {
    return applyAll(addresses, false);
  }

  private List<Change> applyAll(Collection<String> addresses, boolean add) {
    List<InetAddress> wanted = new ArrayList<>();
    Set<InetAddress> seen = new HashSet<>();
    for (String s : addresses) {
      InetAddress a = parse(s);
      if (seen.add(a)) {
        wanted.add(a);
      }
    }
    Set<InetAddress> now = present();
    List<Change> done = new ArrayList<>();
    List<InetAddress> todo = new ArrayList<>();
    for (InetAddress a : wanted) {
      if (now.contains(a) == add) {
        done.add(Change.unchanged(name, object(a), add ? "present" : ""));
      } else {
        todo.add(a);
      }
    }
    String op = (add ? "add" : "delete") + " proxy neighbours";
    String what = todo.size() + " entries " + host.where() + " dev " + uplink;
    for (int from = 0; from < todo.size(); from += SshHost.CHUNK) {
      List<InetAddress> chunk = todo.subList(from, Math.min(todo.size(), from + SshHost.CHUNK));
      List<String> batch = new ArrayList<>();
      for (InetAddress a : chunk) {
        batch.add("neigh " + (add ? "add" : "del") + " proxy " + IpAddresses.format(a) + " dev " + uplink);
      }
      List<InetAddress> rest = todo.subList(Math.min(todo.size(), from + SshHost.CHUNK), todo.size());
      SshConnection.Result r;
      try {
        r = host.run(SshHost.BATCH, SshHost.lines(batch));
      } catch (SshException e) {
        if (e.reason() != Reason.CONNECTION_LOST && e.reason() != Reason.TIMEOUT) {
          throw partial(op, what, e.getMessage(), done, chunk, rest, List.of(), e, add);
        }
        // Reconnect and look: the entries of this chunk in effect are exactly those applied.
        if (e.reason() == Reason.TIMEOUT) {
          host.disconnect();
        }
        Set<InetAddress> after;
        try {
          after = present();
        } catch (RuntimeException again) {
          throw partial(op, what, e.getMessage() + "; checking afterwards failed: " + again.getMessage(), done,
              List.of(), rest, chunk, e, add);
        }
        List<InetAddress> appliedHere = new ArrayList<>();
        List<InetAddress> notHere = new ArrayList<>();
        for (InetAddress a : chunk) {
          (after.contains(a) == add ? appliedHere : notHere).add(a);
        }
        addChanges(done, appliedHere, add);
        throw partial(op, what, e.getMessage(), done, notHere, rest, List.of(), e, add);
      }
      if (!r.ok()) {
        // ip -batch stops at the first failing line: the lines before it took effect.
        OptionalInt failed = IpErrors.failedLine(r.stderr());
        int ok = failed.isPresent() ? Math.max(0, Math.min(chunk.size(), failed.getAsInt() - 1)) : 0;
        addChanges(done, chunk.subList(0, ok), add);
        NetlinkException why = IpErrors.toException(r.stderr(), add ? "add proxy neighbour" : "delete proxy neighbour",
            ok < chunk.size() ? IpAddresses.format(chunk.get(ok)) + " dev " + uplink : "", host.where());
        throw partial(op, what, why.getMessage(), done, chunk.subList(ok, chunk.size()), rest, List.of(), why,
            add);
      }
      addChanges(done, chunk, add);
    }
    if (!todo.isEmpty()) {
      log.debug("{}: {} {} proxy entries dev {}", name, add ? "added" : "removed", todo.size(), uplink);
    }
    // In the caller's order.
    Map<String, Change> byObject = new LinkedHashMap<>();
    for (Change c : done) {
      byObject.put(c.object(), c);
    }
    List<Change> out = new ArrayList<>();
    for (InetAddress a : wanted) {
      out.add(byObject.get(object(a)));
    }
    return out;
  }

  private void addChanges(List<Change> done, List<InetAddress> applied, boolean add) {
    for (InetAddress a : applied) {
      done.add(add ? Change.added(name, object(a), "present") : Change.removed(name, object(a), "present"));
    }
  }

  private ApplyException partial(String op, String what, String why, List<Change> done, List<InetAddress> failed,
      List<InetAddress> rest, List<InetAddress> unknown, Throwable cause, boolean add) {
    List<String> not = new ArrayList<>();
    failed.forEach(a -> not.add(object(a)));
    rest.forEach(a -> not.add(object(a)));
    List<String> unk = new ArrayList<>();
    unknown.forEach(a -> unk.add(object(a)));
    return new ApplyException(name, op, what, why, done, not, unk, cause);
  }
}
