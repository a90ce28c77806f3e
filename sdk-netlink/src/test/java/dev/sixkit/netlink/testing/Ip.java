package dev.sixkit.netlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs iproute2's {@code ip} in a namespace: the independent witness the tests compare against. */
public final class Ip {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Ip() {}

  /** Runs {@code ip -n NS ARGS...}; fails the test when ip fails. Returns stdout. */
  public static String run(String netns, String... args) {
    Result r = tryRun(netns, args);
    if (r.exit() != 0) {
      throw new AssertionError("ip " + String.join(" ", args) + " in " + netns + " failed (" + r.exit() + "): " + r.err());
    }
    return r.out();
  }

  /** Runs {@code ip -n NS -json ARGS...} and parses the array it prints. */
  public static JsonNode json(String netns, String... args) {
    List<String> a = new ArrayList<>();
    a.add("-json");
    a.addAll(List.of(args));
    String out = run(netns, a.toArray(String[]::new));
    try {
      return out.isBlank() ? JSON.createArrayNode() : JSON.readTree(out);
    } catch (IOException e) {
      throw new AssertionError("ip -json printed something that is not JSON: " + out, e);
    }
  }

  public record Result(int exit, String out, String err) {}

  public static Result tryRun(String netns, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("ip");
    if (netns != null) {
      cmd.add("-n");
      cmd.add(netns);
    }
    cmd.addAll(List.of(args));
    return exec(cmd);
  }

  /** Runs a command inside a namespace ({@code ip netns exec}). */
  public static Result exec(String netns, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    cmd.addAll(List.of(command));
    return exec(cmd);
  }

  public static Result exec(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).start();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
