package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.doctor.Diagnosis;
import dev.sixkit.doctor.Diagnosis.Verdict;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.EngineNeeds;
import dev.sixkit.plan.Mode;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doctor on Docker 28 where only the seed's steps (proxy_ndp and a proxy entry) were applied:
 * ping fails, the verdict names the raw PREROUTING rule that drops it with its counter, and its
 * fix (a network in routed gateway mode, the container on it, its address proxied) makes ping
 * answer and the doctor say reachable.
 */
class DoctorFirewallIT {
  private static final Logger LOG = LoggerFactory.getLogger(DoctorFirewallIT.class);

  @Test
  void docker28_seedStepsOnly_doctorNamesTheDropRule_thenItsFixWorks() {
    Root.require();
    String name = "sxdf" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    try (Lab lab = Lab.builder().engine(Engine.V28).name(name).hosts(2).mode(Mode.NDP_PROXY).up();
        Host docker1 = lab.connect("docker1"); Host docker2 = lab.connect("docker2")) {
      String a1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
      String a2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();
      // The seed's steps, exactly.
      docker1.enableProxyNdp("eth0").proxy(a1);
      docker2.enableProxyNdp("eth0").proxy(a2);
      ExecResult ping = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "2", a1);
      assertFalse(ping.ok(), "Docker 28's packet filter drops it: " + ping.stdout());

      Diagnosis broken = docker2.doctor().peers(docker1).reach(a1, "web2");
      LOG.info("\n{}", broken.render());
      assertEquals(Verdict.BLOCKED_BY_FIREWALL, broken.verdict(), broken.render());
      Diagnosis.Finding fw = broken.findings().stream()
          .filter(f -> f.check().equals("firewall") && f.status() == Diagnosis.Status.FAIL).findFirst().orElseThrow();
      assertEquals("docker1", fw.host());
      assertTrue(fw.detail().startsWith("table raw, chain PREROUTING: -A PREROUTING -d " + a1 + "/128 ! -i docker0 -j DROP"),
          fw.detail());
      Matcher m = Pattern.compile("\\((\\d+) packets counted").matcher(fw.detail());
      assertTrue(m.find(), fw.detail());
      assertTrue(Long.parseLong(m.group(1)) > 0, "the failed ping is counted: " + fw.detail());
      assertTrue(broken.summary().contains("-A PREROUTING -d " + a1 + "/128"), broken.summary());
      Diagnosis.Fix fix = broken.fixes().stream().filter(x -> x.sdkCall().contains("GATEWAY_MODE_IPV6"))
          .findFirst().orElseThrow(() -> new AssertionError(broken.render()));
      assertEquals("docker1", fix.host());
      assertTrue(fix.ipCommand().contains("docker network create --ipv6 --subnet SUBNET -o "
          + DockerNetwork.GATEWAY_MODE_IPV6 + "=routed"), fix.ipCommand());
      assertTrue(fix.ipCommand().contains(EngineNeeds.DAEMON_JSON_ROUTED), fix.ipCommand());
      assertTrue(broken.render().contains("BLOCKED_BY_FIREWALL") && broken.render().contains("gateway_mode_ipv6=routed"),
          broken.render());

      // The fix, as the doctor wrote it: a routed network on a /66 of the underlay no host uses.
      String subnet = List.of("2001:db8:ab11:0:4000::/66", "2001:db8:ab11:0:8000::/66", "2001:db8:ab11:0:c000::/66")
          .stream().filter(p -> !a1.startsWith(p.substring(0, 20)) && !a2.startsWith(p.substring(0, 20)))
          .findFirst().orElseThrow();
      docker1.docker().newNetwork("v6routed").ipv6().subnet(subnet)
          .option(DockerNetwork.GATEWAY_MODE_IPV6, "routed").create();
      String r1 = docker1.docker().connectNetwork("v6routed", "web1").network("v6routed").orElseThrow()
          .ipv6().orElseThrow().toCanonicalString();
      docker1.enableProxyNdp("eth0").proxy(r1);
      ExecResult after = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "3", r1);
      assertTrue(after.ok(), "routed gateway mode lets it through: " + after.stdout() + after.stderr());

      Diagnosis fixed = docker2.doctor().peers(docker1).reach(r1, "web2");
      LOG.info("\n{}", fixed.render());
      assertEquals(Verdict.REACHABLE, fixed.verdict(), fixed.render());
      assertTrue(fixed.findings().stream().anyMatch(f -> f.check().equals("firewall") && f.host().equals("docker1")
          && f.status() == Diagnosis.Status.OK), fixed.render());
    }
  }
}
