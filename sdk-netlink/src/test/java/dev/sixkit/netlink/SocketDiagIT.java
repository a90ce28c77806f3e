package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * sock_diag TCP listeners compared with {@code ss -Hltnp} in the same namespace: listeners on
 * {@code ::}, on 0.0.0.0 and on one address, with the process that holds each.
 */
class SocketDiagIT {
  private static final Pattern USERS = Pattern.compile("\\(\"([^\"]+)\",pid=(\\d+),fd=(\\d+)\\)");

  /** A python3 process in the namespace listening on the given host/port pairs; killed by close. */
  static Process listen(String ns, String... hostPorts) throws IOException {
    StringBuilder py = new StringBuilder("import socket,time\nss=[]\n");
    for (String hp : hostPorts) {
      int c = hp.lastIndexOf(':');
      String host = hp.substring(0, c);
      String port = hp.substring(c + 1);
      boolean v6 = host.contains(":");
      // "v6only/::" sets IPV6_V6ONLY, "dual/::" clears it (the sysctl default may be either)
      String only = host.startsWith("v6only/") ? "1" : host.startsWith("dual/") ? "0" : null;
      host = host.substring(host.indexOf('/') + 1);
      py.append("s=socket.socket(socket.").append(v6 ? "AF_INET6" : "AF_INET").append(",socket.SOCK_STREAM)\n")
          .append("s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n");
      if (only != null) {
        py.append("s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,").append(only).append(")\n");
      }
      py
          .append("s.bind(('").append(host).append("',").append(port).append("))\ns.listen(7)\nss.append(s)\n");
    }
    py.append("print('ready',flush=True)\ntime.sleep(60)\n");
    Process p = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c", py.toString()).redirectErrorStream(true).start();
    byte[] buf = new byte[6];
    int n = p.getInputStream().read(buf);
    if (n < 5) {
      p.destroyForcibly();
      throw new AssertionError("listener did not start");
    }
    return p;
  }

  @Test
  void tcpListenersMatchSs() throws Exception {
    try (TestNetns nets = new TestNetns()) {
      String ns = nets.create("sd").name();
      Ip.run(ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
      Ip.run(ns, "link", "set", "eth0", "up");
      Ip.run(ns, "addr", "add", "2001:db8:5::1/64", "dev", "eth0", "nodad");
      Process p = listen(ns, ":::8080", "0.0.0.0:9090", "2001:db8:5::1:7070", "127.0.0.1:6060");
      try (Netlink nl = Netlink.open(ns)) {
        List<Socket> socks = nl.sockets().tcpListeners();
        String ss = Ip.exec(ns, "ss", "-Hltnp").out();
        TreeSet<String> expected = new TreeSet<>();
        for (String line : ss.lines().filter(l -> !l.isBlank()).toList()) {
          String[] f = line.trim().split("\\s+");
          String local = f[3].replace("*:", "[::]:"); // ss prints a dual-stack :: listener as *:PORT
          Matcher m = USERS.matcher(line);
          String who = m.find() ? m.group(1) + "/" + m.group(2) + "/" + m.group(3) : "";
          expected.add(local + " " + f[1] + " " + f[2] + " " + who);
        }
        TreeSet<String> actual = new TreeSet<>();
        for (Socket s : socks) {
          Socket.Owner o = s.processes().isEmpty() ? null : s.processes().get(0);
          actual.add(s.local() + " " + s.receiveQueue() + " " + s.sendQueue() + " "
              + (o == null ? "" : o.command() + "/" + o.pid() + "/" + o.fd()));
        }
        assertEquals(expected, actual, "sock_diag vs ss -ltnp");
        assertEquals(4, socks.size(), socks.toString());
        Socket any6 = socks.stream().filter(s -> s.localPort() == 8080).findFirst().orElseThrow();
        assertTrue(any6.anyAddress());
        assertEquals(6, any6.family());
        assertEquals("LISTEN", any6.state());
        assertEquals("[::]:8080", any6.local());
        assertEquals("[::]:*", any6.peer());
        assertTrue(any6.command().startsWith("python"), any6.toString());
        long pythonPid = any6.processes().get(0).pid();
        assertTrue(ProcessHandle.of(pythonPid).isPresent());
        assertEquals(List.of(any6), nl.sockets().tcpListeners(8080));
        Socket one = nl.sockets().tcpListeners(7070).get(0);
        assertEquals("[2001:db8:5::1]:7070", one.local());
        assertFalse(one.anyAddress());
      } finally {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * IPV6_V6ONLY read from sock_diag, as {@code ss -e} prints it (v6only:0/1): a v6-only [::]
   * listener next to its own 0.0.0.0 listener on the same port, and a dual-stack one.
   */
  @Test
  void v6OnlyMatchesSs() throws Exception {
    try (TestNetns nets = new TestNetns()) {
      String ns = nets.create("sd6").name();
      Process p = listen(ns, "v6only/:::8081", "0.0.0.0:8081", "dual/:::8082", "127.0.0.1:8083");
      try (Netlink nl = Netlink.open(ns)) {
        TreeSet<String> expected = new TreeSet<>();
        for (String line : Ip.exec(ns, "ss", "-Hltne").out().lines().filter(l -> !l.isBlank()).toList()) {
          String[] f = line.trim().split("\\s+");
          Matcher m = Pattern.compile("v6only:(\\d)").matcher(line);
          expected.add(f[3].replace("*:", "[::]:") + " " + (m.find() ? m.group(1) : "-"));
        }
        TreeSet<String> actual = new TreeSet<>();
        for (Socket s : nl.sockets().tcpListeners()) {
          actual.add(s.local() + " " + (s.family() == 4 ? "-" : s.v6Only() ? "1" : "0"));
        }
        assertEquals(expected, actual, "sock_diag vs ss -ltne");
        assertEquals(4, actual.size(), actual.toString());
        Socket only = nl.sockets().tcpListeners(8081).stream().filter(s -> s.family() == 6).findFirst().orElseThrow();
        assertTrue(only.v6Only());
        assertFalse(only.takesIpv4(), only.toString());
        assertTrue(only.toString().contains("v6only:1"), only.toString());
        Socket dual = nl.sockets().tcpListeners(8082).get(0);
        assertFalse(dual.v6Only());
        assertTrue(dual.takesIpv4());
      } finally {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aNamespaceWithoutListenersHasNone() {
    try (TestNetns nets = new TestNetns(); Netlink nl = Netlink.open(nets.create("sd0"))) {
      assertEquals(new ArrayList<Socket>(), nl.sockets().tcpListeners());
      assertEquals("", Ip.exec(nl.netns().name(), "ss", "-Hltn").out().trim());
    }
  }
}
