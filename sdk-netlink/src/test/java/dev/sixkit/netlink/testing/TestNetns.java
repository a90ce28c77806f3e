package dev.sixkit.netlink.testing;

import dev.sixkit.netlink.Netns;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces for one test, with unique names (prefix "sxt" plus random hex) so parallel
 * or crashed runs never collide, deleted on close even when the test failed. Fails loudly when
 * not root.
 */
public final class TestNetns implements AutoCloseable {
  private final List<String> names = new ArrayList<>();

  public TestNetns() {
    Root.require();
  }

  /** Creates a fresh namespace named sxt-TAG-RANDOM (at most 15 characters of tag). */
  public Netns create(String tag) {
    String name = uniqueName(tag);
    Netns ns = Netns.create(name);
    names.add(name);
    // Bring lo up so local traffic works as on a real host.
    Ip.run(name, "link", "set", "lo", "up");
    return ns;
  }

  public static String uniqueName(String tag) {
    return "sxt-" + tag + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
  }

  @Override
  public void close() {
    for (String n : names) {
      try {
        Netns.deleteIfExists(n);
      } catch (RuntimeException e) {
        // keep cleaning the rest
        System.err.println("could not delete namespace " + n + ": " + e.getMessage());
      }
    }
    names.clear();
  }
}
