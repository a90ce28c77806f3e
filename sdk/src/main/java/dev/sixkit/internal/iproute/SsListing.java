package dev.sixkit.internal.iproute;

import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.Socket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code ss -Hltnpe} output into the {@link Socket} records sock_diag gives on a namespace
 * host, for hosts reached over SSH where there is no netlink socket to ask. One family per
 * listing (ss -4 / -6), since ss prints a dual-stack IPv6 wildcard as "*". Stateless; thread-safe.
 */
public final class SsListing {
  /** The remote command: IPv4 listeners, a marker line, IPv6 listeners. */
  public static final String COMMAND = "ss -Hltnpe -4 && echo " + SsListing.MARKER + " && ss -Hltnpe -6";
  static final String MARKER = "--sixkit-ipv6--";

  private SsListing() {}

  /** The device names the listing binds sockets to ("127.0.0.1%lo:53"), to be turned into indexes. */
  public static Set<String> devices(String output) {
    Set<String> out = new LinkedHashSet<>();
    for (String line : output.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4) {
        String host = hostPart(f[3]);
        int pct = host.lastIndexOf('%');
        if (pct >= 0) {
          out.add(host.substring(pct + 1));
        }
      }
    }
    return out;
  }

  /**
   * The sockets of {@link #COMMAND}'s output, sorted as SocketDiag sorts them (port, family,
   * address); {@code indexOf} turns a bound device's name into its index.
   */
  public static List<Socket> parse(String output, Function<String, Integer> indexOf) {
    List<Socket> out = new ArrayList<>();
    int family = 4;
    for (String raw : output.split("\n")) {
      String line = raw.trim();
      if (line.isEmpty()) {
        continue;
      }
      if (line.equals(MARKER)) {
        family = 6;
        continue;
      }
      out.add(line(line, family, indexOf));
    }
    out.sort(Comparator.comparingInt(Socket::localPort).thenComparingInt(Socket::family)
        .thenComparing(s -> IpAddresses.format(s.localAddress())));
    return out;
  }

  /** One line: STATE RECV-Q SEND-Q LOCAL PEER [users:(...)] [uid:N] ino:N sk:X ... */
  static Socket line(String line, int family, Function<String, Integer> indexOf) {
    String[] f = line.split("\\s+", 6);
    if (f.length < 5) {
      throw bad(line, "fewer than five columns");
    }
    String rest = f.length > 5 ? f[5] : "";
    int boundDevice = 0;
    String host = hostPart(f[3]);
    int pct = host.lastIndexOf('%');
    if (pct >= 0) {
      Integer index = indexOf.apply(host.substring(pct + 1));
      boundDevice = index == null ? 0 : index;
      host = host.substring(0, pct);
    }
    InetAddress local = address(host, family, line);
    int port = port(f[3], line);
    InetAddress peer = address(hostPart(f[4]), family, line);
    int peerPort = f[4].endsWith(":*") ? 0 : port(f[4], line);
    List<Socket.Owner> owners = new ArrayList<>();
    int users = rest.indexOf("users:(");
    if (users >= 0) {
      int end = owners(rest, users + "users:(".length(), owners, line);
      rest = rest.substring(0, users) + rest.substring(end);
    }
    owners.sort(Comparator.comparingLong(Socket.Owner::pid).thenComparingInt(Socket.Owner::fd));
    long inode = 0;
    int uid = 0;
    boolean v6Only = false;
    for (String t : rest.trim().split("\\s+")) {
      if (t.equals("v6only:1")) { // ss -e, as sock_diag's INET_DIAG_SKV6ONLY
        v6Only = true;
      } else if (t.startsWith("ino:")) {
        inode = number(t.substring(4), line);
      } else if (t.startsWith("uid:")) {
        uid = (int) number(t.substring(4), line);
      }
    }
    return new Socket("tcp", family, f[0], local, port, peer, peerPort, boundDevice, inode, uid,
        (int) number(f[1], line), (int) number(f[2], line), owners, v6Only);
  }

  /** Reads (("comm",pid=N,fd=N),...) from {@code at}; returns the index after the closing parenthesis. */
  private static int owners(String s, int at, List<Socket.Owner> out, String line) {
    int i = at;
    while (i < s.length() && s.charAt(i) == '(') {
      i++;
      if (i >= s.length() || s.charAt(i) != '"') {
        throw bad(line, "a process name in quotes");
      }
      int close = s.indexOf('"', i + 1); // ss prints the name as it is, spaces included
      while (close > 0 && close + 1 < s.length() && s.charAt(close + 1) != ',') {
        close = s.indexOf('"', close + 1);
      }
      if (close < 0) {
        throw bad(line, "an unterminated process name");
      }
      String comm = s.substring(i + 1, close);
      int end = s.indexOf(')', close);
      if (end < 0) {
        throw bad(line, "an unterminated process");
      }
      long pid = -1;
      int fd = -1;
      for (String kv : s.substring(close + 1, end).split(",")) {
        if (kv.startsWith("pid=")) {
          pid = number(kv.substring(4), line);
        } else if (kv.startsWith("fd=")) {
          fd = (int) number(kv.substring(3), line);
        }
      }
      out.add(new Socket.Owner(pid, comm, fd));
      i = end + 1;
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
      }
    }
    if (i >= s.length() || s.charAt(i) != ')') {
      throw bad(line, "the end of the users list");
    }
    return i + 1;
  }

  /** "[::1]:631" -> "::1", "0.0.0.0:22" -> "0.0.0.0", "*:80" -> "*", "127.0.0.1%lo:53" -> "127.0.0.1%lo". */
  private static String hostPart(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    String h = colon < 0 ? endpoint : endpoint.substring(0, colon);
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      return close < 0 ? h.substring(1) : h.substring(1, close) + h.substring(close + 1);
    }
    return h;
  }

  private static int port(String endpoint, String line) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      throw bad(line, "no port in " + endpoint);
    }
    return (int) number(endpoint.substring(colon + 1), line);
  }

  private static InetAddress address(String host, int family, String line) {
    if (host.equals("*")) {
      host = family == 6 ? "::" : "0.0.0.0";
    }
    try {
      InetAddress a = IpAddresses.parse(host);
      if ((a instanceof java.net.Inet6Address) != (family == 6)) {
        throw bad(line, host + " is not an IPv" + family + " address");
      }
      return a;
    } catch (NetlinkException e) {
      throw bad(line, "not an address: " + host);
    }
  }

  private static long number(String s, String line) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw bad(line, "not a number: " + s);
    }
  }

  private static IllegalArgumentException bad(String line, String what) {
    return new IllegalArgumentException("cannot read ss output (" + what + "): " + line);
  }
}
