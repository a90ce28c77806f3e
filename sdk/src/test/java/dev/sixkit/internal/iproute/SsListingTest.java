package dev.sixkit.internal.iproute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ss -Hltnpe lines as iproute2 6.1 prints them, read into sock_diag's records (SshHostIT compares both on a real host). */
class SsListingTest {
  private static final String OUTPUT = String.join("\n",
      "LISTEN 0      4096         0.0.0.0:8080       0.0.0.0:*    users:((\"docker-proxy\",pid=2301,fd=4)) ino:51011 sk:1 cgroup:/system.slice/docker.service <->",
      "LISTEN 0      128        127.0.0.1%lo:53         0.0.0.0:*    users:((\"tmux: server\",pid=77,fd=9),(\"dnsmasq\",pid=12,fd=5)) uid:101 ino:4242 sk:2 cgroup:unreachable:1 <->",
      SsListing.MARKER,
      "LISTEN 3      4096               *:8080             *:*    users:((\"docker-proxy\",pid=2310,fd=4)) ino:51020 sk:3 cgroup:/system.slice/docker.service v6only:0 <->",
      "LISTEN 0      128      [2001:db8:ab11::1]:22     [::]:*    ino:900 sk:4 v6only:1 <->",
      "");

  @Test
  void readsEveryColumnSockDiagGives() {
    List<Socket> s = SsListing.parse(OUTPUT, Map.of("lo", 1)::get);
    assertEquals(List.of("[2001:db8:ab11::1]:22", "127.0.0.1:53", "0.0.0.0:8080", "[::]:8080"),
        s.stream().map(Socket::local).toList(), "sorted by port, family, address");
    Socket ssh = s.get(0);
    assertEquals(6, ssh.family());
    assertEquals(List.of(), ssh.processes(), "no users column: no owner known");
    assertEquals(900, ssh.inode());
    Socket dns = s.get(1);
    assertEquals(4, dns.family());
    assertEquals(1, dns.boundDevice(), "127.0.0.1%lo is bound to lo");
    assertEquals(101, dns.uid());
    assertEquals(List.of(new Socket.Owner(12, "dnsmasq", 5), new Socket.Owner(77, "tmux: server", 9)), dns.processes(),
        "owners sorted by pid, names with spaces kept");
    Socket proxy6 = s.get(3);
    assertTrue(proxy6.anyAddress() && proxy6.family() == 6, "'*' in the IPv6 listing is ::");
    assertEquals("docker-proxy", proxy6.command());
    assertEquals(3, proxy6.receiveQueue());
    assertEquals(4096, proxy6.sendQueue());
    assertEquals("LISTEN", proxy6.state());
    assertEquals(0, proxy6.remotePort());
    assertEquals("[::]:*", proxy6.peer());
    assertEquals(Set.of("lo"), SsListing.devices(OUTPUT));
  }

  @Test
  void emptyListingsAreEmpty() {
    assertEquals(List.of(), SsListing.parse(SsListing.MARKER + "\n", n -> null));
    assertEquals(List.of(), SsListing.parse("", n -> null));
  }

  @Test
  void refusesWhatIsNotAnSsLine() {
    for (String bad : List.of("LISTEN 0 128", "LISTEN x 128 0.0.0.0:22 0.0.0.0:*", "LISTEN 0 128 nohost:22 0.0.0.0:*",
        "LISTEN 0 128 [::1]:22 [::]:*", "LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((sshd,pid=1,fd=3))",
        "LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=1,fd=3)")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SsListing.parse(bad, n -> null), bad);
      assertTrue(e.getMessage().startsWith("cannot read ss output"), e.getMessage());
    }
  }
}
