package dev.sixkit.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Docker;
import dev.sixkit.doctor.Diagnosis;
import dev.sixkit.dsl.groovy.DslSession;
import dev.sixkit.dsl.groovy.ScriptRunner;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.Plan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, "first contact", proven with packets: after an NDP proxy apply, a container started
 * afterwards (its entry added by a second apply) answers the very first ping from a container on
 * the other host, at once. The kernel delays a proxied neighbour advertisement by a random time up
 * to the uplink's {@code proxy_delay} (80 = 0.8 s by default); the plan sets it to 0, so the first
 * echo's answer comes in well under 300 ms. The sysctl is read back with {@code ip netns exec ...
 * sysctl -n}, not through Sixkit; undo puts back the value read before.
 */
class DslFirstContactIT {
  private static final Pattern TIME = Pattern.compile("seq=0 .*time=([0-9.]+) ms");

  @TempDir
  Path tmp;

  private static String sysctl(LabHost h, String key) {
    return LabWitness.sysctl(h.netns(), key);
  }

  /** One echo, one second to answer: it must answer on this first try, and its round trip is returned (ms). */
  private static double firstPing(LabHost from, String container, String to) {
    ExecResult r;
    try (Docker d = Docker.connect(from.dockerEndpoint())) {
      r = d.exec(container, Duration.ofSeconds(15), List.of("ping6", "-c", "1", "-W", "1", to));
    }
    String what = from.name() + "/" + container + " -> " + to + ": " + r.stdout() + r.stderr();
    assertTrue(r.ok(), "the first echo must be answered: " + what);
    assertTrue(r.stdout().contains("1 packets received"), what);
    Matcher m = TIME.matcher(r.stdout());
    assertTrue(m.find(), what);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void aContainerStartedAfterApplyAnswersItsFirstPingAtOnce() throws Exception {
    Root.require();
    Lab lab = Lab.builder().engine(Engine.V20_10).name(LabWitness.labName("sxz")).hosts(2).mode(Mode.NDP_PROXY)
        .progress(m -> System.out.println("lab: " + m)).up();
    String image;
    try (DslSession session = new DslSession(new PrintWriter(new StringWriter(), true), false, false)) {
      LabHost d1 = lab.host("docker1");
      LabHost d2 = lab.host("docker2");
      String key = "net.ipv6.neigh.eth0.proxy_delay";
      String before1 = sysctl(d1, key);
      String before2 = sysctl(d2, key);
      assertTrue(!"0".equals(before1) && !"0".equals(before2), "the kernel's default delay to start from: " + before1);

      ScriptRunner r = new ScriptRunner(session, List.of());
      r.evaluate(DslNdpIT.script(lab.name(), tmp.resolve("state"), tmp.resolve("persist"))
          .replaceFirst("(?m)^\\s*persist \\{.*\\n", ""), "ndp.groovy");
      Plan plan = (Plan) r.evaluate("plan()", "plan.groovy");
      assertTrue(plan.changes("docker1").stream().anyMatch(c -> c.object().equals("sysctl " + key)
          && c.before().equals(before1) && c.after().equals("0")), plan.toString());
      assertTrue(((ApplyResult) r.evaluate("apply()", "apply.groovy")).ok());
      assertEquals("0", sysctl(d1, key), "read back with ip netns exec ... sysctl -n");
      assertEquals("0", sysctl(d2, key));

      // New containers on both hosts, after the apply: their addresses were never resolved by anyone.
      try (Docker d = Docker.connect(d1.dockerEndpoint())) {
        image = d.container(d1.webContainer()).image();
      }
      LabWitness.docker(d1, "run", "-d", "--name", "fresh1", image, "httpd", "-f", "-p", "80", "-h", "/www");
      LabWitness.docker(d2, "run", "-d", "--name", "fresh2", image, "httpd", "-f", "-p", "80", "-h", "/www");
      String fresh1 = LabWitness.ipv6(d1, "fresh1");
      String fresh2 = LabWitness.ipv6(d2, "fresh2");
      ApplyResult second = (ApplyResult) r.evaluate("apply()", "apply2.groovy");
      assertEquals(2, second.changes().size(), "one entry per new container, the delay already 0: " + second);
      assertTrue(((Plan) r.evaluate("plan()", "plan2.groovy")).isEmpty(), "nothing left to change");

      // The very first echo to each is answered, and without the kernel's proxy delay (up to 800 ms).
      double t1 = firstPing(d2, d2.webContainer(), fresh1);
      double t2 = firstPing(d1, d1.webContainer(), fresh2);
      System.out.println("first ping: web2 -> fresh1 " + t1 + " ms, web1 -> fresh2 " + t2 + " ms");
      assertTrue(t1 < 300, "web2 -> fresh1 first answer took " + t1 + " ms");
      assertTrue(t2 < 300, "web1 -> fresh2 first answer took " + t2 + " ms");

      // The doctor agrees: the owner answers for the address, and its proxy_delay is no warning.
      try (Host h1 = lab.connect("docker1"); Host h2 = lab.connect("docker2")) {
        Diagnosis dx = h2.doctor().peers(h1).reach(fresh1, d2.webContainer());
        assertEquals(Diagnosis.Verdict.REACHABLE, dx.verdict(), dx.render());
        assertTrue(dx.findings().stream().anyMatch(f -> f.check().equals("proxy_delay") && f.host().equals("docker1")
            && f.status() == Diagnosis.Status.OK), dx.render());
      }

      // undo: the entries go (the containers first), and each uplink's delay is the one read before.
      LabWitness.docker(d1, "rm", "-f", "fresh1");
      LabWitness.docker(d2, "rm", "-f", "fresh2");
      assertTrue(((ApplyResult) r.evaluate("undo()", "undo.groovy")).ok());
      assertEquals(before1, sysctl(d1, key));
      assertEquals(before2, sysctl(d2, key));
    } finally {
      Lab.down(lab.name(), LabProgress.silent());
    }
  }
}
