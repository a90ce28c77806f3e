package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.doctor.Diagnosis;
import dev.sixkit.doctor.Diagnosis.Verdict;
import dev.sixkit.firewall.Firewall;
import dev.sixkit.firewall.Nftables;
import dev.sixkit.firewall.Rule;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doctor names a native nftables rule (a table iptables does not show, as Docker 29's
 * {@code --firewall-backend nftables} writes; 28.5 has no such option, so the table is written
 * here with {@code nft} in docker1's namespace): after the seed's steps ping6 answers; a drop
 * rule in a forward-hook chain of {@code table ip6 sxdrop} makes it fail, and {@code reach()}
 * says BLOCKED_BY_FIREWALL naming that table, chain, rule text and counter, and as the fix its
 * removal (not Docker's gateway mode: the rule is not Docker's); deleting the table
 * makes ping answer and the doctor say reachable. On 20.10, whose own rules filter nothing.
 */
class DoctorNftablesIT {
  private static final Logger LOG = LoggerFactory.getLogger(DoctorNftablesIT.class);

  @Test
  void aNativeNftablesDropRuleIsNamedByTheDoctor() {
    Root.require();
    String name = "sxdn" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    try (Lab lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(2).mode(Mode.NDP_PROXY).up();
        Host docker1 = lab.connect("docker1"); Host docker2 = lab.connect("docker2")) {
      String ns1 = lab.host("docker1").netns();
      String a1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
      String a2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();
      docker1.enableProxyNdp("eth0").proxy(a1);
      docker2.enableProxyNdp("eth0").proxy(a2);
      ExecResult ok = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "3", a1);
      assertTrue(ok.ok(), "the seed's steps work on 20.10: " + ok);

      nft(ns1, "add", "table", "ip6", "sxdrop");
      nft(ns1, "add", "chain", "ip6", "sxdrop", "sxfwd", "{ type filter hook forward priority 10 ; policy accept ; }");
      nft(ns1, "add", "rule", "ip6", "sxdrop", "sxfwd", "ip6", "daddr", a1, "counter", "drop");
      ExecResult dropped = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "2", a1);
      assertFalse(dropped.ok(), "the nftables rule drops it: " + dropped);

      Rule rule = Firewall.read(docker1).verdict("eth0", a1).by().orElseThrow();
      assertEquals(Nftables.BACKEND, rule.backend(), rule.toString());
      assertEquals("ip6 sxdrop", rule.table());
      assertEquals("sxfwd", rule.chain());
      assertTrue(rule.text().startsWith("ip6 daddr " + a1 + " counter packets ") && rule.text().endsWith(" drop"),
          rule.toString());
      assertTrue(rule.packets() >= 2, "the failed pings are counted: " + rule);

      Diagnosis broken = docker2.doctor().peers(docker1).reach(a1, "web2");
      LOG.info("\n{}", broken.render());
      assertEquals(Verdict.BLOCKED_BY_FIREWALL, broken.verdict(), broken.render());
      Diagnosis.Finding fw = broken.findings().stream()
          .filter(f -> f.check().equals("firewall") && f.status() == Diagnosis.Status.FAIL).findFirst().orElseThrow();
      assertEquals("docker1", fw.host());
      assertTrue(fw.detail().startsWith("table ip6 sxdrop, chain sxfwd: ip6 daddr " + a1 + " counter packets"), fw.detail());
      Matcher m = Pattern.compile("\\((\\d+) packets counted").matcher(fw.detail());
      assertTrue(m.find() && Long.parseLong(m.group(1)) >= 2, fw.detail());

      // not Docker's rule: the fix is to remove it, not the gateway mode
      Diagnosis.Fix fix = broken.fixes().stream().filter(x -> x.host().equals("docker1")).findFirst().orElseThrow();
      assertTrue(fix.description().startsWith("the rule is not Docker's"), broken.render());
      assertTrue(fix.ipCommand().contains("nft delete rule ip6 sxdrop sxfwd handle"), fix.ipCommand());
      assertFalse(broken.render().contains("gateway_mode_ipv6"), broken.render());

      nft(ns1, "delete", "table", "ip6", "sxdrop");
      ExecResult again = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "3", a1);
      assertTrue(again.ok(), "without the table ping answers again: " + again);
      Diagnosis fixed = docker2.doctor().peers(docker1).reach(a1, "web2");
      assertEquals(Verdict.REACHABLE, fixed.verdict(), fixed.render());
    } finally {
      if (Lab.exists(name)) {
        Lab.down(name, LabProgress.silent());
      }
    }
  }

  private static void nft(String ns, String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "nft";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Ip.Result r = Ip.exec(ns, cmd);
    assertEquals(0, r.exit(), "nft " + String.join(" ", args) + ": " + r.err());
  }
}
