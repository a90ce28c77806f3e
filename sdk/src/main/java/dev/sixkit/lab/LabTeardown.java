package dev.sixkit.lab;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.SixkitException;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.Netns;
import inet.ipaddr.ipv6.IPv6Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@link Lab#down} and {@link Lab#status}: what a lab is and how it goes, from its records alone. Stateless; thread-safe. */
final class LabTeardown {
  private LabTeardown() {}

  /**
   * Removes everything of a lab, whatever state it is in: daemons and their containers, mounts,
   * namespaces, management links, state folders. Returns what it removed, one line each.
   */
  static List<String> down(String lab, LabProgress progress) {
    Lab.validate(lab);
    List<String> removed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try {
      removed.addAll(LabSsh.stop(lab, progress)); // first: its state sits beside the hosts' folders
    } catch (RuntimeException e) {
      errors.add(e.getMessage());
    }
    for (HostDirs h : HostDirs.hosts(lab)) {
      try {
        DockerDaemon.Cleanup c = DockerDaemon.cleanup(h);
        if (!c.nothingFound()) {
          String line = h.host() + ": dockerd and its containers stopped, " + c.unmounted().size() + " mounts removed";
          removed.add(line);
          progress.step(line);
        }
      } catch (RuntimeException e) {
        errors.add(h.host() + ": " + e.getMessage());
      }
    }
    try {
      DockerDaemon.cleanupLab(lab);
    } catch (RuntimeException e) {
      errors.add(e.getMessage());
    }
    for (String ns : Lab.namespaces(lab)) {
      try {
        Netns.delete(ns);
        removed.add("namespace " + ns);
        progress.step("namespace " + ns + " deleted");
      } catch (NetlinkException e) {
        errors.add(e.getMessage());
      }
    }
    // A management veth goes with its namespace, unless something still holds the namespace.
    try (Netlink root = Netlink.open()) {
      for (var l : root.links().list()) {
        if (l.name().matches(Pattern.quote(lab) + "-m\\d+")) {
          root.links().link(l.name()).deleteIfExists();
          removed.add("link " + l.name());
          progress.step("management link " + l.name() + " deleted");
        }
      }
    } catch (NetlinkException e) {
      errors.add(e.getMessage());
    }
    try {
      deleteTree(Lab.stateDir(lab));
    } catch (IOException e) {
      errors.add(e.toString());
    }
    if (!errors.isEmpty()) {
      throw new SixkitException("take down lab", lab, String.join("; ", errors) + " (removed: " + removed + ")");
    }
    return removed;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  /** One line per host: namespace, daemon, web container and its address. */
  static List<String> status(String lab) {
    Lab.validate(lab);
    List<String> out = new ArrayList<>();
    if (!Lab.exists(lab)) {
      out.add("lab " + lab + ": not up");
      return out;
    }
    Lab l;
    try {
      l = Lab.attach(lab);
    } catch (SixkitException e) {
      out.add("lab " + lab + ": half removed (" + Lab.namespaces(lab) + "); run ./sixkit lab down --name " + lab);
      return out;
    }
    out.add("lab " + lab + ": " + l.plan().mode() + " on " + Prefixes.text(l.plan().underlay()) + ", engine " + l.engine()
        + (l.ssh() ? ", ssh" : ""));
    for (LabHost h : l.hosts()) {
      StringBuilder sb = new StringBuilder("  " + h.name() + " (netns " + h.netns() + "): ");
      if (!Netns.exists(h.netns())) {
        out.add(sb.append("namespace missing").toString());
        continue;
      }
      sb.append(h.uplink()).append(' ').append(h.underlayAddress()).append(", docker ").append(h.dockerPrefix());
      try (Docker d = Docker.connect(h.dockerEndpoint())) {
        Optional<Container> c = d.findContainer(h.webContainer());
        sb.append(", engine ").append(d.daemon().version()).append(" (API ").append(d.apiVersion()).append(')');
        sb.append(", ").append(h.webContainer()).append(' ')
            .append(c.map(x -> x.state() + " " + x.ipv6().map(IPv6Address::toCanonicalString).orElse("no IPv6"))
                .orElse("missing"));
      } catch (RuntimeException e) {
        sb.append(", dockerd not answering (").append(e.getMessage()).append(')');
      }
      out.add(sb.toString());
    }
    return out;
  }
}
