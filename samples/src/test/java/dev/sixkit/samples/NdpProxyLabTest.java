package dev.sixkit.samples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.junit.HostName;
import dev.sixkit.junit.SixkitLab;
import dev.sixkit.lab.Lab;
import org.junit.jupiter.api.Test;

/**
 * Testing with Sixkit the way Testcontainers users test with containers: {@code @SixkitLab} brings a
 * lab of two Docker hosts up for this class (each with a web container), hands its hosts to the test
 * and takes everything down afterwards, whatever happens. Here the test checks the seed's NDP proxy
 * recipe: web2 cannot reach web1 until each host answers neighbour solicitations for its containers.
 *
 * <p>Add {@code dev.sixkit:sixkit-junit} (test scope) next to JUnit; run as root (network namespaces, dockerd).
 */
// The seed's recipe as it is works on 20.10; Docker 28 drops it in its packet filter (README: Engines).
@SixkitLab(hosts = 2, engine = "20.10")
class NdpProxyLabTest {

  @Test
  void web2ReachesWeb1OnceDocker1ProxiesItsAddress(Lab lab, @HostName("docker1") Host docker1,
      @HostName("docker2") Host docker2) {
    String web1 = docker1.docker().container("web1").ipv6().orElseThrow().toCanonicalString();
    String web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();

    ExecResult before = docker2.docker().exec("web2", "ping6", "-c", "1", "-W", "2", web1);
    assertFalse(before.ok(), "without the recipe web1 is out of reach: " + before.stdout());

    // Each host answers for its own containers (the replies need the way back too).
    docker1.enableProxyNdp("eth0").proxy(web1);
    docker2.enableProxyNdp("eth0").proxy(web2);

    // The first answer waits for the proxied neighbour advertisement (proxy_delay, up to 0.8 s).
    ExecResult ping = docker2.docker().exec("web2", "ping6", "-c", "2", "-W", "3", web1);
    assertTrue(ping.ok(), "web2 pings web1 after the recipe: " + ping.stdout() + ping.stderr());
    ExecResult page = docker2.docker().exec("web2", "wget", "-qO-", "http://[" + web1 + "]/");
    assertTrue(page.ok() && page.stdout().contains("Web Server #1"),
        "in " + lab.name() + " web2 fetches web1's page: " + page.stdout() + page.stderr());
  }
}
