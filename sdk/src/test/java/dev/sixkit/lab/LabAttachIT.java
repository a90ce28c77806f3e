package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Docker;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Lab.attach gives a handle, as Testcontainers users expect: try-with-resources around it leaves
 * the lab up (namespaces and dockerd still there and answering); down() takes it down; and a lab
 * brought up by a handle still goes down when that handle closes.
 */
class LabAttachIT {
  @Test
  void closingAnAttachedHandleLeavesTheLabUpAndDownTakesItDown() {
    Root.require();
    String lab = "sxat" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    try {
      Lab up = Lab.builder().name(lab).hosts(1).mode(Mode.ROUTED).engine(Engine.V20_10).up();
      assertTrue(up.ownsLab());
      LabHost h = up.host("docker1");

      try (Lab attached = Lab.attach(lab); Host docker1 = attached.connect("docker1")) {
        assertFalse(attached.ownsLab());
        assertFalse(docker1.interfaces().isEmpty());
      }
      // read back from the system: the namespace, the daemon and its web container are still there
      assertTrue(Lab.exists(lab));
      assertTrue(Netns.exists(h.netns()), "namespace " + h.netns() + " kept");
      try (Docker d = Docker.connect(h.dockerEndpoint())) {
        assertEquals("running", d.findContainer(h.webContainer()).orElseThrow().state());
      }

      // an explicit down() of an attached handle removes it all
      Lab again = Lab.attach(lab);
      assertFalse(again.down().isEmpty());
      assertFalse(Lab.exists(lab));
      assertFalse(Netns.exists(h.netns()));
    } finally {
      if (Lab.exists(lab)) {
        Lab.down(lab, LabProgress.silent());
      }
    }
  }

  @Test
  void closingTheHandleThatBroughtTheLabUpTakesItDown() {
    Root.require();
    String lab = "sxau" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    try {
      String netns;
      try (Lab up = Lab.builder().name(lab).hosts(1).mode(Mode.ROUTED).engine(Engine.V20_10).up()) {
        netns = up.host("docker1").netns();
        assertTrue(Netns.exists(netns));
      }
      assertFalse(Lab.exists(lab));
      assertFalse(Netns.exists(netns));
    } finally {
      if (Lab.exists(lab)) {
        Lab.down(lab, LabProgress.silent());
      }
    }
  }
}
