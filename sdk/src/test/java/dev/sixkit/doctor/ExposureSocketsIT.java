package dev.sixkit.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.host.Host;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.Socket;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 9 with real sockets in a namespace of its own: a [::] listener with IPV6_V6ONLY
 * beside its own 0.0.0.0 listener on the same port (as docker-proxy opens them) is not "takes
 * IPv4 too"; one without the option is. IPV6_V6ONLY is read from sock_diag, as ss -e shows it.
 */
class ExposureSocketsIT {
  static final String LISTEN = String.join("\n",
      "import socket, sys, time",
      "def listen(fam, addr, port, v6only):",
      "    s = socket.socket(fam, socket.SOCK_STREAM)",
      "    if fam == socket.AF_INET6:",
      "        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)",
      "    s.bind((addr, port)); s.listen(); return s",
      "a = listen(socket.AF_INET6, '::', 8080, 1)",
      "b = listen(socket.AF_INET, '0.0.0.0', 8080, 0)",
      "c = listen(socket.AF_INET6, '::', 8090, 0)",
      "print('ready', flush=True)",
      "time.sleep(60)");

  @Test
  void aV6OnlyListenerBesideItsOwnIpv4ListenerDoesNotTakeIpv4() throws Exception {
    Root.require();
    String ns = "sxe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    Netns.create(ns);
    Process p = null;
    try (Host h = Host.netns(ns)) {
      Ip.run(ns, "link", "set", "lo", "up");
      p = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/bin/python3", "-c", LISTEN).redirectErrorStream(true).start();
      String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
      assertEquals("ready", first);
      List<Socket> socks = h.listeningSockets();
      Socket v6only = socks.stream().filter(s -> s.family() == 6 && s.localPort() == 8080).findFirst().orElseThrow();
      Socket dual = socks.stream().filter(s -> s.family() == 6 && s.localPort() == 8090).findFirst().orElseThrow();
      // what ss -e says about the same sockets
      String ss = Ip.exec(ns, "ss", "-Hltne").out();
      assertTrue(ss.lines().anyMatch(l -> l.contains(":8080") && l.contains("v6only:1")), ss);
      assertTrue(v6only.v6Only());
      assertFalse(v6only.takesIpv4());
      String text = ExposureReader.listenerText(v6only, socks);
      assertFalse(text.contains("takes IPv4 too"), text);
      assertTrue(text.contains("IPv6 only") && text.contains("0.0.0.0:8080"), text);
      assertFalse(dual.v6Only());
      assertTrue(ExposureReader.listenerText(dual, socks).contains("takes IPv4 too"));
    } finally {
      if (p != null) {
        p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
      Netns.delete(ns);
    }
  }
}
