package dev.sixkit.sync;

import dev.sixkit.SixkitException;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.Protocols;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which proxy entries are Sixkit's, read from the kernel itself: every entry a sync or an apply
 * adds carries the neighbour protocol {@link Protocols#SIXKIT} (NDA_PROTOCOL), so the record
 * lives and dies with the namespace that holds the entries. A new lab, a reboot, a flush: the
 * record is the table, never a file that outlives its world, and an entry added by hand (no
 * mark) is never taken for Sixkit's. The state folder only holds a lock: one sync per folder.
 *
 * <p>Not thread-safe: used by the sync's worker thread (the lock by the constructor and close).
 */
final class OwnershipStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OwnershipStore.class);
  static final String LOCK_FILE = "lock";
  /** The file record of earlier versions (not keyed to the namespace, so it misjudged a new lab). */
  static final String LEGACY_FILE = "owned";

  private final Netlink nl;
  private final String hostName;
  private final String uplink;
  private final FileChannel lockChannel;
  private final FileLock lock;

  OwnershipStore(Netlink nl, String hostName, String uplink, Path stateDir) {
    this.nl = nl;
    this.uplink = uplink;
    this.hostName = hostName;
    try {
      Files.createDirectories(stateDir);
      lockChannel = FileChannel.open(stateDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l = lockChannel.tryLock();
      if (l == null) {
        lockChannel.close();
        throw new SixkitException("start NDP proxy sync", stateDir.toString(),
            "another sync holds " + stateDir.resolve(LOCK_FILE) + ": one sync per state folder");
      }
      lock = l;
      Path legacy = stateDir.resolve(LEGACY_FILE);
      if (Files.exists(legacy)) {
        Files.move(legacy, stateDir.resolve(LEGACY_FILE + ".ignored"), StandardCopyOption.REPLACE_EXISTING);
        log.info("{}: ownership is now the kernel's protocol mark on each entry ({}); the old record {} is set aside",
            hostName, Protocols.SIXKIT, legacy);
      }
    } catch (IOException e) {
      throw new SixkitException("start NDP proxy sync", stateDir.toString(), e.toString(), e);
    }
  }

  /** Whether a protocol mark says the entry is Sixkit's. */
  static boolean ours(int protocol) {
    return protocol == Protocols.SIXKIT;
  }

  /** The uplink's IPv6 proxy entries: address to protocol mark. */
  Map<InetAddress, Integer> table() {
    Map<InetAddress, Integer> out = new HashMap<>();
    for (Neighbour n : nl.neighbours().proxies().ipv6().dev(uplink).list()) {
      out.put(n.address(), n.protocol());
    }
    return out;
  }

  /** Whether the uplink has an entry for the address (any owner). */
  boolean exists(InetAddress a, int uplinkIndex) {
    return nl.neighbours().proxy(a).dev(uplinkIndex).exists();
  }

  /** Adds a marked entry; the mark is the record, written with the entry in one request. */
  void add(InetAddress a, int uplinkIndex) {
    nl.neighbours().proxy(a).dev(uplinkIndex).protocol(Protocols.SIXKIT).add();
  }

  /** Removes an entry (call only for Sixkit's); true when it was there. */
  boolean delete(InetAddress a, int uplinkIndex) {
    try {
      nl.neighbours().proxy(a).dev(uplinkIndex).delete();
      return true;
    } catch (NetlinkException e) {
      if (e.errno() != 2) { // ENOENT: gone already
        throw e;
      }
      log.debug("{}: {} was gone already", hostName, IpAddresses.format(a));
      return false;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      log.debug("releasing the lock: {}", e.toString());
    }
  }
}
