package dev.sixkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// In samples, not scripting: the image is made from scripting's packaged jar and sync-lib, which
// exist only after scripting's package phase (its own tests run before it).
/**
 * The sync as operators deploy it (issue 14, item 2): the image scripts/sync-image.sh builds offline
 * (jlink runtime, the sync's jars, an exec-form entry point) is imported into a lab host's own
 * dockerd and run there with {@code --network host --cap-add NET_ADMIN} and that dockerd's socket
 * mounted; proxy entries, read back with {@code ip -json}, follow containers as they come and go.
 */
class SyncImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGE = "sixkit/ndp-sync:it";
  private static Lab lab;
  private static Path tar;
  private static String endpoint;
  private static String netns;

  @BeforeAll
  static void up() throws IOException {
    Root.require();
    tar = Files.createTempDirectory("sixkit-image-it").resolve("sync.tar");
    run(List.of("bash", "../scripts/sync-image.sh", tar.toString()));
    String name = "sxi" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(2).progress(LabProgress.silent()).up();
    endpoint = lab.host("docker1").dockerEndpoint();
    netns = lab.host("docker1").netns();
    // As an operator's host configuration would: /proc/sys is read-only inside a container, and the
    // sync writes a sysctl only when it differs.
    for (String s : List.of("proxy_ndp=1", "forwarding=1", "accept_ra=2")) {
      run(List.of("ip", "netns", "exec", netns, "sysctl", "-q", "-w", "net.ipv6.conf.eth0." + s));
    }
  }

  @AfterAll
  static void down() throws IOException {
    if (lab != null) {
      try {
        docker("rm", "-f", "sixkit-ndp-sync", "sxc-it");
      } catch (AssertionError ignored) {
        // the lab's dockerd goes away with the lab anyway
      }
      Lab.down(lab.name(), LabProgress.silent());
      assertTrue(!Lab.exists(lab.name()), "lab removed");
    }
    if (tar != null) {
      Files.deleteIfExists(tar);
      Files.deleteIfExists(tar.getParent());
    }
  }

  @Test
  void theSyncInItsContainerKeepsProxyEntriesAsContainersComeAndGo() throws Exception {
    List<String> importCmd = new ArrayList<>(List.of("docker", "-H", endpoint, "import"));
    importCmd.addAll(run(List.of("bash", "../scripts/sync-image.sh", "--changes")).lines().toList());
    importCmd.addAll(List.of(tar.toString(), IMAGE));
    run(importCmd);
    String socket = endpoint.substring("unix://".length());
    docker("run", "-d", "--name", "sixkit-ndp-sync", "--network", "host", "--cap-add", "NET_ADMIN",
        "-v", socket + ":/run/docker.sock", IMAGE, "--uplink", "eth0");

    String web1 = inspect("web1", "{{.NetworkSettings.GlobalIPv6Address}}");
    awaitProxies(p -> p.contains(web1), "web1's address " + web1 + " proxied");

    String webImage = inspect("web1", "{{.Config.Image}}");
    docker("run", "-d", "--name", "sxc-it", webImage, "httpd", "-f", "-p", "80", "-h", "/www");
    String added = inspect("sxc-it", "{{.NetworkSettings.GlobalIPv6Address}}");
    assertTrue(!added.isEmpty(), "the new container has an IPv6 address");
    awaitProxies(p -> p.contains(added), "the new container's " + added + " proxied");

    docker("rm", "-f", "sxc-it");
    Set<String> after = awaitProxies(p -> !p.contains(added), "the removed container's " + added + " no longer proxied");
    assertTrue(after.contains(web1), "web1 still proxied: " + after);
    assertEquals("true", inspect("sixkit-ndp-sync", "{{.State.Running}}"), "the sync still runs: " + logs());
  }

  /** The proxy entries on docker1's eth0 once they satisfy the condition (within 20 s). */
  private static Set<String> awaitProxies(Predicate<Set<String>> ok, String what) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Set<String> now = proxies();
    while (!ok.test(now)) {
      if (System.nanoTime() > end) {
        fail("not within 20 s: " + what + "; proxies " + now + "; the sync's log:\n" + logs());
      }
      Thread.sleep(200);
      now = proxies();
    }
    return now;
  }

  private static Set<String> proxies() throws IOException {
    Set<String> out = new TreeSet<>();
    for (JsonNode e : JSON.readTree(run(List.of("ip", "-n", netns, "-json", "-6", "neigh", "show", "proxy", "dev", "eth0")))) {
      out.add(e.get("dst").asText());
    }
    return out;
  }

  private static String inspect(String container, String format) {
    return docker("inspect", "-f", format, container).strip();
  }

  private static String logs() {
    try {
      return docker("logs", "--tail", "40", "sixkit-ndp-sync");
    } catch (AssertionError e) {
      return e.getMessage();
    }
  }

  private static String docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker", "-H", endpoint));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** Runs a command; its stdout, or an assertion error with its output when it fails. */
  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError(String.join(" ", cmd) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
