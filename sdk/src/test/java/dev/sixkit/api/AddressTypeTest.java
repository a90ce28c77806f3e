package dev.sixkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.plan.NetworkPlan;
import dev.sixkit.plan.Planner;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One address type across the SDK's public API: the ipaddress library's IPAddress (prefixes are
 * IPAddresses with a prefix length); text only as a convenience parsed at the boundary. The
 * netlink layer's own records are that layer's business and not checked here.
 */
class AddressTypeTest {
  private static final List<String> PACKAGES = List.of("host", "docker", "plan", "doctor", "lab", "sync");

  private static boolean foreign(Type t) {
    String n = t.getTypeName();
    return n.contains(InetAddress.class.getName()) || n.contains("java.net.Inet6Address")
        || n.contains("java.net.Inet4Address") || n.contains(IpPrefix.class.getName());
  }

  @Test
  void noPublicSignatureTakesOrGivesInetAddressOrIpPrefix() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Planner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> bad = new ArrayList<>();
    int checked = 0;
    for (String pkg : PACKAGES) {
      Path dir = root.resolve("dev/sixkit/" + pkg);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<String> names;
      try (Stream<Path> s = Files.list(dir)) {
        names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class")).toList();
      }
      for (String file : names) {
        Class<?> c = Class.forName("dev.sixkit." + pkg + "." + file.substring(0, file.length() - 6), false,
            getClass().getClassLoader());
        if (!Modifier.isPublic(c.getModifiers()) || (c.getEnclosingClass() != null
            && !Modifier.isPublic(c.getEnclosingClass().getModifiers()))) {
          continue;
        }
        checked++;
        List<Executable> members = new ArrayList<>(List.of(c.getDeclaredConstructors()));
        members.addAll(List.of(c.getDeclaredMethods()));
        for (Executable e : members) {
          if (!Modifier.isPublic(e.getModifiers()) || e.isSynthetic()) {
            continue;
          }
          for (Type t : e.getGenericParameterTypes()) {
            if (foreign(t)) {
              bad.add(c.getName() + "." + e.getName() + " takes " + t.getTypeName());
            }
          }
          if (e instanceof Method m && foreign(m.getGenericReturnType())) {
            bad.add(c.getName() + "." + m.getName() + " returns " + m.getGenericReturnType().getTypeName());
          }
        }
      }
    }
    assertTrue(checked > 30, "classes checked: " + checked);
    assertEquals(List.of(), bad);
  }

  @Test
  void addressValuesAndTheirTextPlanAlike() {
    IPv6Address underlay = new IPAddressString("2001:db8:ab11::/64").getAddress().toIPv6();
    NetworkPlan byValue = Planner.underlay(underlay).host("docker1", "eth0", "2001:db8:ab11::1")
        .host("docker2", "eth0", "2001:db8:ab11::2").ndpProxy().plan();
    NetworkPlan byText = Planner.underlay("2001:db8:ab11::/64").host("docker1", "eth0", "2001:db8:ab11::1")
        .host("docker2", "eth0", "2001:db8:ab11::2").ndpProxy().plan();
    assertEquals(byText, byValue);
    IPv6Address cd11 = new IPAddressString("2001:db8:cd11::/64").getAddress().toIPv6();
    assertEquals(Planner.underlay(underlay).host("docker1", "eth0", "2001:db8:ab11::1").routed()
        .prefix("docker1", "2001:db8:cd11::/64").plan(),
        Planner.underlay(underlay).host("docker1", "eth0", "2001:db8:ab11::1").routed().prefix("docker1", cd11).plan());
  }
}
