package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.testing.Ip;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Links calls the kernel or the client refuses, in namespaces made for each test: each names the
 * object and the namespace, carries the kernel's text, and is checked to have changed nothing.
 */
class LinkRefusalsIT extends LinkFixture {
  // ------------------------------------------------------------ bad input

  @Test
  void unknownInterfaceIsEnodevNamingItAndTheNamespace() {
    Ip.run(a.name(), "link", "add", "br0", "type", "bridge");
    Ip.run(a.name(), "link", "add", "k0", "type", "veth", "peer", "name", "k1");
    LinkRef nope = nl.links().link("nope");
    List<Executable> calls = List.of(
        () -> nl.links().get("nope"), nope::get, nope::up, nope::down, () -> nope.mtu(1400),
        () -> nope.mac("02:00:00:00:00:01"), () -> nope.master("br0"), nope::nomaster, () -> nope.alias("x"),
        () -> nope.txQueueLen(10), () -> nope.rename("other"), () -> nope.moveTo(b), () -> nope.moveTo(b, "x"),
        nope::delete, nope::peer);
    for (Executable c : calls) {
      NetlinkException e = refused(Errno.ENODEV, c);
      assertMentions(e, "'nope'", a.name());
      assertEquals("nope", e.object());
      assertTrue(e.isNotFound());
    }
    NetlinkException e = refused(Errno.ENODEV, () -> nl.links().get(99999));
    assertMentions(e, "index 99999", a.name());
    e = refused(Errno.ENODEV, () -> nl.links().link(99999).up());
    assertMentions(e, "index 99999", a.name());
    // An unknown master is named too, and the port is left alone.
    e = refused(Errno.ENODEV, () -> nl.links().link("k0").master("nobridge"));
    assertMentions(e, "'nobridge'", a.name());
  }

  @Test
  void duplicateCreateIsEexistAndChangesNothing() {
    Ip.run(a.name(), "link", "add", "dup0", "type", "veth", "peer", "name", "dup1");
    Ip.run(b.name(), "link", "add", "taken", "type", "veth", "peer", "name", "taken1");
    Ip.run(a.name(), "link", "add", "br0", "type", "bridge");
    NetlinkException e = refused(Errno.EEXIST, () -> nl.links().veth("dup0").peer("fresh").create());
    assertMentions(e, "'dup0'", a.name());
    assertTrue(e.isAlreadyExists());
    e = refused(Errno.EEXIST, () -> nl.links().veth("fresh").peer("dup1").create());
    assertMentions(e, "'dup1'", a.name());
    e = refused(Errno.EEXIST, () -> nl.links().veth("fresh").peer("taken").peerNetns(b).create());
    assertMentions(e, "'taken'", b.name());
    e = refused(Errno.EEXIST, () -> nl.links().bridge("br0").create());
    assertMentions(e, "'br0'", a.name());
    NetlinkException last = refused(Errno.EEXIST, () -> nl.links().bridge("dup0").create());
    assertMentions(last, "'dup0'", a.name());
    // The kernel's own text, when it sends one, is carried along.
    last.kernelMessage().ifPresent(k -> assertTrue(last.getMessage().contains(k)));
  }

  @Test
  void deleteOfMissingLinkIsEnodev() {
    Ip.run(a.name(), "link", "add", "z0", "type", "veth", "peer", "name", "z1");
    NetlinkException e = refused(Errno.ENODEV, () -> nl.links().link("gone0").delete());
    assertMentions(e, "'gone0'", a.name());
    assertEquals("delete link", e.operation());
    e = refused(Errno.ENODEV, () -> nl.links().link(99999).delete());
    assertMentions(e, "99999", a.name());
    assertTrue(ipHas(a.name(), "z0"));
  }

  @Test
  void kernelRefusalsCarryItsTextAndChangeNothing() {
    Ip.run(a.name(), "link", "add", "k0", "type", "veth", "peer", "name", "k1");
    Ip.run(a.name(), "link", "add", "k2", "type", "veth", "peer", "name", "k3");
    Ip.run(b.name(), "link", "add", "k0", "type", "veth", "peer", "name", "b1");
    NetlinkException e = refused(Errno.EINVAL, () -> nl.links().link("k0").mtu(10));
    assertTrue(e.kernelMessage().orElseThrow().contains("mtu less than device minimum"), e.getMessage());
    assertMentions(e, "k0", e.kernelMessage().orElseThrow());
    e = refused(Errno.EINVAL, () -> nl.links().link("k0").mtu(70000));
    assertTrue(e.kernelMessage().orElseThrow().contains("mtu greater than device maximum"), e.getMessage());
    // On create the kernel refuses a bad MTU without a word: it is checked before sending.
    assertMentions(refused(Errno.EINVAL, () -> nl.links().veth("k8").mtu(10).peer("k9").create()), "68 to 65535");
    refused(Errno.EINVAL, () -> nl.links().veth("k8").peer("k9").peerMtu(65536).create());
    refused(Errno.EINVAL, () -> nl.links().bridge("k8").mtu(67).create());
    refused(Errno.EADDRNOTAVAIL, () -> nl.links().link("k0").mac("01:00:5e:00:00:01"));
    e = refused(Errno.EOPNOTSUPP, () -> nl.links().link("k0").master("k2"));
    assertMentions(e, "'k2'");
    e = refused(Errno.EEXIST, () -> nl.links().link("k0").rename("k2"));
    assertMentions(e, "'k2'", a.name());
    // A name taken in the target namespace: the link stays here, under its own name.
    e = refused(Errno.EEXIST, () -> nl.links().link("k0").moveTo(b));
    assertMentions(e, "'k0'", b.name());
    e = refused(Errno.EEXIST, () -> nl.links().link("k2").moveTo(b, "b1"));
    assertMentions(e, "'b1'", b.name());
    assertTrue(ipHas(a.name(), "k2"));
  }

  @Test
  void invalidInputIsRejectedBeforeAnythingIsSent() {
    Ip.run(a.name(), "link", "add", "ok0", "type", "veth", "peer", "name", "ok1");
    for (String bad : List.of("", "a b", "a/b", "x:1", "..", "sixteen-chars-16")) {
      assertMentions(refused(Errno.EINVAL, () -> nl.links().veth(bad).peer("p").create()), "interface name");
      refused(Errno.EINVAL, () -> nl.links().veth("ok9").peer(bad).create());
      refused(Errno.EINVAL, () -> nl.links().bridge(bad).create());
      refused(Errno.EINVAL, () -> nl.links().link(bad).up());
      refused(Errno.EINVAL, () -> nl.links().link("ok0").rename(bad));
      refused(Errno.EINVAL, () -> nl.links().link("ok0").moveTo(b, bad));
      refused(Errno.EINVAL, () -> nl.links().link("ok0").master(bad));
      refused(Errno.EINVAL, () -> nl.links().find(bad));
    }
    assertMentions(refused(Errno.EINVAL, () -> nl.links().veth("same").peer("same").create()), "different names");
    refused(Errno.EINVAL, () -> nl.links().link("ok0").mtu(0));
    refused(Errno.EINVAL, () -> nl.links().link("ok0").mac("02:00:00:00:00"));
    refused(Errno.EINVAL, () -> nl.links().link("ok0").txQueueLen(-1));
    refused(Errno.ENOENT, () -> nl.links().veth("ok9").peer("p").peerNetns("sxt-no-such-ns").create());
    assertNotNull(nl.links().get("ok0"));
  }
}
