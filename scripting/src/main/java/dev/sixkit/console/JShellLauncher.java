package dev.sixkit.console;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Host;
import dev.sixkit.lab.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.tool.JavaShellToolBuilder;

/**
 * Starts JShell in this JVM ({@code --execution local}) with the SDK on its class path, its
 * packages imported and a live {@code host} ready: snippets run in this process, so they reach
 * the objects the launcher made through {@link #host()} and {@link #lab()}.
 *
 * <p>One JShell per process: the handed-over objects are set before it starts and cleared after.
 */
public final class JShellLauncher {
  private static volatile Host host;
  private static volatile Lab lab;

  private JShellLauncher() {}

  /** The host the launcher connected (this machine, a namespace, or a lab host). */
  public static Host host() {
    return host;
  }

  /** The lab given with --lab, or null. */
  public static Lab lab() {
    return lab;
  }

  /** The startup snippets: imports, the host (and lab), and table(...). */
  static String startup(boolean withLab) {
    StringBuilder sb = new StringBuilder();
    for (String p : List.of("dev.sixkit", "dev.sixkit.host", "dev.sixkit.docker", "dev.sixkit.plan",
        "dev.sixkit.sync", "dev.sixkit.doctor", "dev.sixkit.netlink", "dev.sixkit.lab", "dev.sixkit.dsl", "java.util",
        "java.util.function", "java.util.stream", "java.time")) {
      sb.append("import ").append(p).append(".*;\n");
    }
    sb.append("Host host = dev.sixkit.console.JShellLauncher.host();\n");
    if (withLab) {
      sb.append("Lab lab = dev.sixkit.console.JShellLauncher.lab();\n");
    }
    sb.append("/** Records, maps or lists as a table: table(host.proxyEntries()). */\n");
    sb.append("Table table(Object rows) { return Table.from(rows); }\n");
    return sb.toString();
  }

  /**
   * Runs JShell until it exits and returns its exit status. {@code files} are loaded first (as
   * {@code jshell FILE} does), then it prompts.
   */
  public static int run(Host h, Lab l, List<String> files) throws Exception {
    Path start = Files.createTempFile("sixkit-jshell-", ".jsh");
    host = h;
    lab = l;
    try {
      Files.writeString(start, startup(l != null), StandardCharsets.UTF_8);
      List<String> args = new ArrayList<>(List.of("--execution", "local", "--class-path", System.getProperty("java.class.path"),
          "--startup", "DEFAULT", "--startup", start.toString()));
      args.addAll(files);
      return JavaShellToolBuilder.builder().start(args.toArray(String[]::new));
    } finally {
      host = null;
      lab = null;
      try {
        Files.deleteIfExists(start);
      } catch (IOException e) {
        throw new SixkitException("delete", start.toString(), e.toString(), e);
      }
    }
  }
}
