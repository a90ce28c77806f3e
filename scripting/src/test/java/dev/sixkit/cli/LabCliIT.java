package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * lab up, status and list through the command line on a real lab: progress lines print addresses
 * in RFC 5952 form (as the API returns them), status --json is data read from the namespaces and
 * the engines, list names the lab; and a lab that is gone says so with a failing exit.
 */
class LabCliIT {
  /** Anything that looks like an IPv6 address (with at least two colons and a hex digit). */
  private static final Pattern V6 = Pattern.compile("(?<![\\w:.])(?=[0-9a-f:]*[0-9a-f])[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}"
      + "(?![\\w:])");

  @Test
  void upStatusAndListSpeakDataAndRfc5952() throws Exception {
    Root.require();
    String lab = "sxcl" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    try {
      CliRun up = CliRun.sixkit("lab", "up", "--name", lab, "--hosts", "1", "--mode", "ndp", "--engine", "20.10");
      assertEquals(0, up.exit(), up.out() + up.err());
      Matcher m = V6.matcher(up.out());
      int seen = 0;
      while (m.find()) {
        String a = m.group();
        String canonical = new IPAddressString(a).getAddress().toCanonicalString();
        assertEquals(canonical, a, "not RFC 5952 in: " + up.out());
        seen++;
      }
      assertTrue(seen >= 3, up.out());

      CliRun st = CliRun.sixkit("lab", "status", "--json", "--name", lab);
      assertEquals(0, st.exit(), st.err());
      JsonNode s = new ObjectMapper().readTree(st.out());
      assertEquals(lab, s.get("lab").asText());
      assertTrue(s.get("up").asBoolean());
      assertEquals("ndp_proxy", s.get("mode").asText());
      assertEquals("2001:db8:ab11::/64", s.get("underlay").asText());
      assertEquals("20.10", s.get("engine").asText());
      JsonNode h = s.get("hosts").get(0);
      assertEquals("docker1", h.get("name").asText());
      assertTrue(h.get("namespace").asBoolean() && Netns.exists(h.get("netns").asText()));
      assertTrue(h.get("engine").get("answering").asBoolean(), h.toString());
      assertTrue(h.get("engine").get("version").asText().startsWith("20.10"), h.toString());
      JsonNode web = null;
      for (JsonNode c : h.get("containers")) {
        if (c.get("name").asText().equals("web1")) {
          web = c;
        }
      }
      assertTrue(web != null && web.get("state").asText().equals("running"), h.toString());
      String addr = web.get("ipv6").asText();
      assertEquals(new IPAddressString(addr).getAddress().toCanonicalString(), addr);
      assertTrue(new IPAddressString(h.get("dockerPrefix").asText()).getAddress().contains(
          new IPAddressString(addr).getAddress()), h.toString());

      CliRun list = CliRun.sixkit("lab", "list");
      assertEquals(0, list.exit(), list.err());
      assertTrue(list.out().lines().anyMatch(l -> l.startsWith("lab " + lab + ":")), list.out());
      JsonNode all = new ObjectMapper().readTree(CliRun.sixkit("lab", "list", "--json").out());
      boolean found = false;
      for (JsonNode l : all) {
        found |= l.get("lab").asText().equals(lab) && l.get("up").asBoolean();
      }
      assertTrue(found, all.toString());

      // Tab: the lab's name, its hosts and a host's interfaces (its namespace's, read back with ip)
      try (BashCompletion bash = new BashCompletion()) {
        assertTrue(bash.complete("sixkit", "lab", "down", "--name", lab.substring(0, 4)).contains(lab));
        assertEquals(List.of(lab), bash.complete("sixkit", "jshell", "--lab", lab));
        assertEquals(List.of("docker1"), bash.complete("sixkit", "ndp", "sync", "--lab", lab, "--host", ""));
        TreeSet<String> ifnames = new TreeSet<>();
        Ip.json(lab + "-docker1", "link", "show").forEach(l -> ifnames.add(l.get("ifname").asText()));
        assertTrue(ifnames.contains("eth0") && ifnames.contains("docker0"), ifnames.toString());
        assertEquals(ifnames, bash.names("sixkit", "ndp", "sync", "--lab", lab, "--host", "docker1", "--uplink", ""));
      }

      CliRun down = CliRun.sixkit("lab", "down", "--name", lab);
      assertEquals(0, down.exit(), down.err());
      CliRun gone = CliRun.sixkit("lab", "status", "--name", lab);
      assertEquals(Main.FAILURE, gone.exit());
      assertFalse(CliRun.sixkit("lab", "list").out().contains("lab " + lab + ":"));
      try (BashCompletion bash = new BashCompletion()) {
        assertFalse(bash.complete("sixkit", "lab", "status", "--name", "").contains(lab));
      }
    } finally {
      if (Lab.exists(lab)) {
        Lab.down(lab, LabProgress.silent());
      }
    }
  }
}
