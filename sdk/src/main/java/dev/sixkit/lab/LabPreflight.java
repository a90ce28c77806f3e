package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Lab} checks before it makes anything: root, and the Debian packages whose commands it
 * runs. Stateless; thread-safe.
 */
final class LabPreflight {
  private LabPreflight() {}

  static void requireRoot() {
    if (!"root".equals(System.getProperty("user.name")) && !isUid0()) {
      throw new SixkitException("bring up lab", "", "the lab needs root (network namespaces, dockerd): run as root");
    }
  }

  private static boolean isUid0() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** The commands the lab runs, with the Debian package that brings each. */
  private static final List<String[]> TOOLS = List.of(new String[] {"dockerd", "docker.io"},
      new String[] {"nsenter", "util-linux"});

  /** Debian packages the lab needs that are not installed (docker.io, busybox-static, util-linux). */
  static List<String> missingPackages() {
    List<String> missing = new ArrayList<>();
    for (String[] t : TOOLS) {
      if (!Lab.onPath(t[0])) {
        missing.add(t[1]);
      }
    }
    if (!Files.isExecutable(WebImage.BUSYBOX)) {
      missing.add("busybox-static");
    }
    return missing;
  }

  static void requireTools() {
    List<String> missing = missingPackages();
    if (!missing.isEmpty()) {
      throw new SixkitException("bring up lab", "", "missing Debian packages: " + String.join(" ", missing)
          + " (apt-get install -y " + String.join(" ", missing) + ")");
    }
  }
}
