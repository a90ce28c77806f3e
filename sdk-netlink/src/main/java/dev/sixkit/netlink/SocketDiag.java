package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.LibC;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import dev.sixkit.netlink.internal.NetlinkSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sockets of one namespace through sock_diag netlink (NETLINK_SOCK_DIAG, inet_diag_req_v2), with
 * the processes holding them found through /proc/PID/fd the way {@code ss -p} finds them.
 *
 * <pre>{@code
 * nl.sockets().tcpListeners().forEach(System.out::println);   // like ss -ltnp
 * }</pre>
 *
 * <p>Each call opens a short-lived sock_diag socket on the client's namespace thread, so it sees
 * that namespace's sockets. Thread-safe; immutable.
 */
public final class SocketDiag {
  static final int SOCK_DIAG_BY_FAMILY = 20;
  static final int IPPROTO_TCP = 6;
  static final int TCP_LISTEN = 10;
  /** inet_diag_msg: family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode. */
  static final int INET_DIAG_MSG = 72;
  /** u8 attribute: IPV6_V6ONLY of an AF_INET6 socket; the kernel adds it to every IPv6 answer. */
  static final int INET_DIAG_SKV6ONLY = 11;
  private static final String[] TCP_STATES = {"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
      "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV"};

  private final Netlink nl;

  SocketDiag(Netlink nl) {
    this.nl = nl;
  }

  /**
   * TCP sockets in LISTEN state, IPv4 and IPv6, sorted by port then address (like {@code ss -ltnp}).
   *
   * @return the listeners, possibly empty
   * @throws NetlinkException when the kernel refuses the dump
   */
  public List<Socket> tcpListeners() {
    List<Socket> out = new ArrayList<>();
    out.addAll(dump(NeighbourCodec.AF_INET, 1 << TCP_LISTEN));
    out.addAll(dump(NeighbourCodec.AF_INET6, 1 << TCP_LISTEN));
    Map<Long, List<Socket.Owner>> owners = owners(out.stream().map(Socket::inode).collect(java.util.stream.Collectors.toSet()));
    List<Socket> withOwners = new ArrayList<>(out.size());
    for (Socket s : out) {
      withOwners.add(s.withProcesses(owners.getOrDefault(s.inode(), List.of())));
    }
    withOwners.sort(Comparator.comparingInt(Socket::localPort).thenComparingInt(Socket::family)
        .thenComparing(s -> IpAddresses.format(s.localAddress())));
    return withOwners;
  }

  /**
   * The TCP listener on a port, IPv6 first, if any.
   *
   * @param port the TCP port
   * @return the listeners on that port (IPv6 first), possibly empty
   * @throws NetlinkException when the kernel refuses the dump
   */
  public List<Socket> tcpListeners(int port) {
    return tcpListeners().stream().filter(s -> s.localPort() == port).toList();
  }

  private List<Socket> dump(int family, int states) {
    String what = family == NeighbourCodec.AF_INET ? "tcp/ipv4" : "tcp/ipv6";
    NetlinkSocket s = nl.inNamespace(() -> NetlinkSocket.open(LibC.NETLINK_SOCK_DIAG));
    try {
      MessageWriter w = new MessageWriter(SOCK_DIAG_BY_FAMILY, 0, 128).u8(family).u8(IPPROTO_TCP).u8(0).u8(0)
          .u32(states);
      for (int i = 0; i < 48; i += 4) {
        w.u32(0); // inet_diag_sockid: no filter
      }
      return s.dump(w, "list sockets", what, SocketDiag::decode);
    } finally {
      s.close();
    }
  }

  /** Decodes one inet_diag_msg (without owners). */
  static Socket decode(Message m) {
    if (m.type() != SOCK_DIAG_BY_FAMILY) {
      return null;
    }
    m.requireBody(INET_DIAG_MSG);
    ByteBuffer b = m.buf();
    int at = m.body();
    int family = b.get(at) & 0xff;
    if (family != NeighbourCodec.AF_INET && family != NeighbourCodec.AF_INET6) {
      throw new NetlinkException(Errno.EBADMSG, "parse socket", "family " + family, "malformed message: not an inet socket");
    }
    int state = b.get(at + 1) & 0xff;
    int sport = ((b.get(at + 4) & 0xff) << 8) | (b.get(at + 5) & 0xff);
    int dport = ((b.get(at + 6) & 0xff) << 8) | (b.get(at + 7) & 0xff);
    InetAddress src = address(b, at + 8, family);
    InetAddress dst = address(b, at + 24, family);
    int ifindex = b.getInt(at + 40);
    int rq = b.getInt(at + 56);
    int wq = b.getInt(at + 60);
    int uid = b.getInt(at + 64);
    long inode = b.getInt(at + 68) & 0xffffffffL;
    String st = state < TCP_STATES.length ? TCP_STATES[state] : Integer.toString(state);
    boolean v6Only = family == NeighbourCodec.AF_INET6 && m.attributes(INET_DIAG_MSG).u8(INET_DIAG_SKV6ONLY, 0) != 0;
    return new Socket("tcp", family == NeighbourCodec.AF_INET ? 4 : 6, st, src, sport, dst, dport, ifindex, inode, uid, rq,
        wq, List.of(), v6Only);
  }

  private static InetAddress address(ByteBuffer b, int at, int family) {
    byte[] raw = new byte[family == NeighbourCodec.AF_INET ? 4 : 16];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = b.get(at + i);
    }
    try {
      return family == NeighbourCodec.AF_INET ? InetAddress.getByAddress(raw)
          : java.net.Inet6Address.getByAddress(null, raw, -1);
    } catch (UnknownHostException e) {
      throw new NetlinkException(Errno.EBADMSG, "parse socket", "address", "malformed address", e);
    }
  }

  /**
   * Which processes hold these socket inodes, from the links in /proc/PID/fd ("socket:[INODE]").
   * Processes that exit meanwhile, or whose fd folder cannot be read, are skipped.
   */
  static Map<Long, List<Socket.Owner>> owners(Set<Long> inodes) {
    Map<Long, List<Socket.Owner>> out = new HashMap<>();
    if (inodes.isEmpty()) {
      return out;
    }
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
      for (Path proc : procs) {
        long pid = Long.parseLong(proc.getFileName().toString());
        String comm = null;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
          for (Path fd : fds) {
            String target;
            try {
              target = Files.readSymbolicLink(fd).toString();
            } catch (IOException | UnsupportedOperationException e) {
              continue;
            }
            if (!target.startsWith("socket:[")) {
              continue;
            }
            long inode;
            try {
              inode = Long.parseLong(target.substring(8, target.length() - 1));
            } catch (NumberFormatException e) {
              continue;
            }
            if (inodes.contains(inode)) {
              if (comm == null) {
                comm = comm(proc);
              }
              out.computeIfAbsent(inode, k -> new ArrayList<>())
                  .add(new Socket.Owner(pid, comm, Integer.parseInt(fd.getFileName().toString())));
            }
          }
        } catch (IOException | RuntimeException e) {
          // gone, or not ours to read
        }
      }
    } catch (IOException e) {
      return out;
    }
    for (List<Socket.Owner> l : out.values()) {
      l.sort(Comparator.comparingLong(Socket.Owner::pid).thenComparingInt(Socket.Owner::fd));
    }
    return out;
  }

  private static String comm(Path proc) {
    try {
      return Files.readString(proc.resolve("comm")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private static boolean isPid(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
