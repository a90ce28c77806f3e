package dev.sixkit.internal.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.internal.iproute.IpErrors;
import dev.sixkit.netlink.NetlinkException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The pieces of Host.ssh that need no server: targets, known_hosts patterns, ip's error text, input checks. */
class SshPartsTest {

  @Test
  void targetsParseStrictly() {
    assertEquals(new SshTarget("root", "docker2", 22), SshTarget.parse("root@docker2", "nobody", 22));
    assertEquals(new SshTarget("admin", "docker2", 22), SshTarget.parse("docker2", "admin", 22));
    assertEquals(new SshTarget("root", "docker2", 2222), SshTarget.parse("root@docker2:2222", "x", 22));
    assertEquals(new SshTarget("root", "2001:db8::2", 2222), SshTarget.parse("root@[2001:db8:0::2]:2222", "x", 22));
    assertEquals(new SshTarget("root", "2001:db8::2", 22), SshTarget.parse("root@2001:db8::2", "x", 22));
    assertEquals(new SshTarget("root", "192.0.2.7", 22), SshTarget.parse("root@192.0.2.7", "x", 22));
    assertEquals("root@[2001:db8::2]:22", SshTarget.parse("root@2001:db8::2", "x", 22).toString());
    assertEquals("2001:db8::2", SshTarget.parse("root@2001:db8::2", "x", 22).knownHostsName());
    assertEquals("[docker2]:2222", SshTarget.parse("root@docker2:2222", "x", 22).knownHostsName());
    for (String bad : List.of("", "root@", "@docker2", "root@docker2;id", "root@doc ker2", "root@docker2:0",
        "root@docker2:65536", "root@docker2:22x", "root@[2001:db8::2", "root@[2001:db8::2]2", "root@-x", "ro$ot@x",
        "root@@x", "root@x..y", "root@1.2.3.999", "root@0.00.0.0.", "root@2001:db8::g", "root@x_y", "Root@x",
        "root@" + "a".repeat(64) + ".org")) {
      SshException e = assertThrows(SshException.class, () -> SshTarget.parse(bad, "root", 22), bad);
      assertEquals(Reason.INVALID_TARGET, e.reason(), bad);
    }
  }

  @Test
  void knownHostsPatternsMatchAsOpenSshDoes() throws Exception {
    assertTrue(KnownHosts.hostMatches("docker2", "docker2"));
    assertTrue(KnownHosts.hostMatches("Docker2", "docker2"));
    assertTrue(KnownHosts.hostMatches("docker1,docker2", "docker2"));
    assertTrue(KnownHosts.hostMatches("docker?", "docker2"));
    assertTrue(KnownHosts.hostMatches("*.example.org", "docker2.example.org"));
    assertFalse(KnownHosts.hostMatches("*.example.org,!docker2.example.org", "docker2.example.org"));
    assertFalse(KnownHosts.hostMatches("docker2", "[docker2]:2222"));
    assertTrue(KnownHosts.hostMatches("[docker2]:2222", "[docker2]:2222"));
    assertTrue(KnownHosts.hostMatches("fd00:5:*", "fd00:5:abcd:1::2"));
    assertFalse(KnownHosts.hostMatches("fd00:5:abcd:1::2", "fd00:5:abcd:1::22"));
    // hashed: |1|base64(salt)|base64(HMAC-SHA1(salt, name))
    byte[] salt = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(salt, "HmacSHA1"));
    String hashed = "|1|" + Base64.getEncoder().encodeToString(salt) + "|"
        + Base64.getEncoder().encodeToString(mac.doFinal("docker2".getBytes(StandardCharsets.UTF_8)));
    assertTrue(KnownHosts.hostMatches(hashed, "docker2"));
    assertFalse(KnownHosts.hostMatches(hashed, "docker3"));
    assertFalse(KnownHosts.hostMatches("|1|bad", "docker2"));
    assertTrue(KnownHosts.glob("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000) + "b"));
    assertFalse(KnownHosts.glob("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000)));
  }

  @Test
  void ipErrorTextBecomesTheKernelHostsException() {
    NetlinkException exists = IpErrors.toException("RTNETLINK answers: File exists\nCommand failed -:3\n", "add route",
        "2001:db8:ef11::/64", "on docker1");
    assertEquals(17, exists.errno());
    assertEquals(OptionalInt.of(3), IpErrors.failedLine("RTNETLINK answers: File exists\nCommand failed -:3\n"));
    NetlinkException ack = IpErrors.toException("Error: Nexthop has invalid gateway.\nCommand failed -:1\n",
        "add route", "x", "on docker1");
    assertEquals("Nexthop has invalid gateway", ack.kernelMessage().orElseThrow());
    NetlinkException nodev = IpErrors.toException("Cannot find device \"eth9\"\n", "add route", "x", "on docker1");
    assertEquals(19, nodev.errno());
    assertTrue(nodev.getMessage().contains("no interface named 'eth9' on docker1"), nodev.getMessage());
    assertEquals(OptionalInt.empty(), IpErrors.failedLine("Command failed -:99999999999999"));
  }

  @Test
  void inputIsCheckedBeforeItIsSent() {
    assertEquals("eth0", RemoteInput.ifname("t", "eth0"));
    assertEquals("eth0.100", RemoteInput.ifname("t", "eth0.100"));
    assertEquals("/proc/sys/net/ipv6/conf/eth0/proxy_ndp",
        RemoteInput.sysctlPath("t", "net.ipv6.conf.eth0.proxy_ndp", "read sysctl"));
    assertEquals(22, assertThrows(NetlinkException.class, () -> RemoteInput.ifname("t", "eth 0")).errno());
    assertEquals(22, assertThrows(NetlinkException.class, () -> RemoteInput.ifname("t", "a".repeat(16))).errno());
    for (String bad : List.of("eth0;id", "$(id)", "eth`id`", "-eth0", ".eth0", "eth0|x", "eth0&", "a'b", "a\"b",
        "a>b", "a\\b", "a*b", "a?b", "a#b", "a!b")) {
      SshException e = assertThrows(SshException.class, () -> RemoteInput.ifname("t", bad), bad);
      assertEquals(Reason.INVALID_INPUT, e.reason(), bad);
    }
    assertThrows(NetlinkException.class, () -> RemoteInput.sysctlPath("t", "net.ipv6/../x", "read sysctl"));
    assertThrows(NetlinkException.class, () -> RemoteInput.sysctlPath("t", "kernel.hostname", "read sysctl"));
    assertThrows(NetlinkException.class, () -> RemoteInput.sysctlPath("t", "net.ipv6.conf.$x.proxy_ndp", "read sysctl"));
    assertEquals("1", RemoteInput.sysctlValue("t", "k", "1"));
    assertEquals("4096 87380 6291456", RemoteInput.sysctlValue("t", "k", "4096 87380 6291456"));
    for (String bad : List.of("1;id", "$(id)", "`id`", "1\n2", "a|b", "", " ")) {
      assertThrows(SshException.class, () -> RemoteInput.sysctlValue("t", "k", bad), bad);
    }
    assertEquals("/var/run/docker.sock", RemoteInput.socketPath("t", "/var/run/docker.sock"));
    for (String bad : List.of("docker.sock", "/a/../b", "/a b", "/a;b", "/a/..")) {
      assertThrows(SshException.class, () -> RemoteInput.socketPath("t", bad), bad);
    }
    assertEquals("a\\x0ab", RemoteInput.visible("a\nb"));
  }
}
