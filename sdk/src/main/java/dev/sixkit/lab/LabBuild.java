package dev.sixkit.lab;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.SixkitException;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.Netns;
import inet.ipaddr.ipv6.IPv6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The steps of {@link Lab.Builder#up()}: the underlay and management links, one dockerd per host
 * (in parallel), one web container per host. Stateless; one thread drives a lab's build.
 */
final class LabBuild {
  private LabBuild() {}

  static void network(Lab lab, LabProgress progress) {
    String sw = Lab.switchNetns(lab.name());
    progress.step("underlay: namespace " + sw + " with bridge br0 for " + Prefixes.text(lab.plan().underlay()));
    Netns swNs = Netns.create(sw);
    try (Netlink swNl = Netlink.open(swNs); Netlink root = Netlink.open()) {
      prepareNamespace(swNl);
      swNl.links().bridge("br0").create();
      swNl.links().link("br0").up();
      for (LabHost h : lab.hosts()) {
        progress.step(h.name() + ": namespace " + h.netns() + ", " + h.uplink() + " " + h.underlayAddress()
            + "/64, management " + h.managementAddress() + " via " + h.rootManagementLink());
        Netns ns = Netns.create(h.netns());
        try (Netlink nl = Netlink.open(ns)) {
          prepareNamespace(nl);
          String port = "p" + h.index();
          nl.links().veth(h.uplink()).peer(port).peerNetns(swNs).create();
          swNl.links().link(port).master("br0").up();
          nl.links().link(h.uplink()).up();
          nl.addresses().address(h.underlayAddress() + "/64").dev(h.uplink()).nodad().add();
          // Management: the only objects a lab adds to the root namespace.
          String mp = Lab.managementPrefix(lab.name(), h.index());
          root.links().veth(h.rootManagementLink()).peer("mgmt0").peerNetns(ns).create();
          root.links().link(h.rootManagementLink()).up();
          root.addresses().address(mp + "1/64").dev(h.rootManagementLink()).nodad().add();
          nl.links().link("mgmt0").up();
          nl.addresses().address(mp + "2/64").dev("mgmt0").nodad().add();
        }
      }
    }
  }

  /** lo up, and no duplicate address detection: lab addresses are unique by construction. */
  private static void prepareNamespace(Netlink nl) {
    nl.links().link("lo").up();
    nl.sysctls().set("net.ipv6.conf.all.accept_dad", "0");
    nl.sysctls().set("net.ipv6.conf.default.accept_dad", "0");
  }

  static void startDaemons(Lab lab, Engine.Install install, LabProgress progress) {
    ExecutorService pool = Executors.newFixedThreadPool(lab.hosts().size(), r -> {
      Thread t = new Thread(r, "sixkit-lab-dockerd");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> started = new ArrayList<>();
      for (LabHost h : lab.hosts()) {
        progress.step(h.name() + ": starting dockerd " + install.version() + " --ipv6 --fixed-cidr-v6=" + h.dockerPrefix());
        started.add(pool.submit(() -> {
          DockerDaemon d = DockerDaemon.lab(lab.name()).host(h.name()).netns(h.netns()).fixedCidrV6(h.dockerPrefix())
              .engine(install).start();
          progress.step(h.name() + ": dockerd answering at " + h.dockerEndpoint());
          return d;
        }));
      }
      for (Future<?> f : started) {
        f.get();
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new SixkitException("start dockerd", lab.name(), c.toString(), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SixkitException("start dockerd", lab.name(), "interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  static void startWebContainers(Lab lab, LabProgress progress) {
    WebImage image = WebImage.standard();
    for (LabHost h : lab.hosts()) {
      try (Docker docker = Docker.connect(h.dockerEndpoint())) {
        image.importInto(docker);
        Container c = docker.newContainer(h.webContainer()).image(WebImage.REFERENCE)
            .command(WebImage.command("Web Server #" + h.index()).toArray(String[]::new))
            // busybox httpd ignores SIGTERM: a long stop timeout would only slow lab down.
            .stopTimeout(Duration.ofSeconds(1)).start();
        Container ready = awaitIpv6(docker, c.name());
        progress.step(h.name() + ": " + h.webContainer() + " running at " + ready.ipv6().map(IPv6Address::toCanonicalString)
            .orElse("?"));
      }
    }
  }

  private static Container awaitIpv6(Docker docker, String container) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      Container c = docker.container(container);
      if (c.ipv6().isPresent() && c.running()) {
        return c;
      }
      if (System.nanoTime() > deadline) {
        throw new SixkitException("start container", container, "no IPv6 address after 20 s (state " + c.state() + ")");
      }
      Lab.sleep(100);
    }
  }
}
