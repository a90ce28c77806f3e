package dev.sixkit.sync;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Change;
import dev.sixkit.internal.json.JsonParser;
import dev.sixkit.internal.json.JsonWriter;
import dev.sixkit.plan.Prefixes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What makes the NDP proxy setup survive a reboot (runtime sysctls and proxy entries die with
 * it): a sysctl.d drop-in for the uplink, the daemon.json keys dockerd needs, and a systemd unit
 * that runs the sync (which puts the entries back at start). Files go under a target folder that
 * stands for / ({@code /} on a real host; a scratch folder in tests, so they never touch /etc).
 *
 * <pre>{@code
 * NdpPersistence.forUplink("eth0").fixedCidrV6("2001:db8:ab11:0:8000::/66").write(Path.of("/"), "docker1")
 *     .forEach(System.out::println);
 * }</pre>
 *
 * <p>Immutable; thread-safe.
 */
public final class NdpPersistence {
  /** The drop-in's path under the target folder. */
  public static final String SYSCTL_DROP_IN = "etc/sysctl.d/60-sixkit-ndp-proxy.conf";
  /** daemon.json's path under the target folder. */
  public static final String DAEMON_JSON = "etc/docker/daemon.json";

  private final String uplink;
  private final boolean acceptRa;
  private final String fixedCidrV6;
  private final boolean routedByDefault;

  private NdpPersistence(String uplink, boolean acceptRa, String fixedCidrV6, boolean routedByDefault) {
    this.uplink = uplink;
    this.acceptRa = acceptRa;
    this.fixedCidrV6 = fixedCidrV6;
    this.routedByDefault = routedByDefault;
  }

  /**
   * Settings for one uplink (router advertisements still accepted: accept_ra = 2).
   *
   * @param uplink the uplink's name
   * @return the settings
   */
  public static NdpPersistence forUplink(String uplink) {
    return new NdpPersistence(Objects.requireNonNull(uplink, "uplink"), true, null, false);
  }

  /**
   * Whether router advertisements must still be accepted on the uplink (accept_ra = 2 in the drop-in).
   *
   * @param keep true for accept_ra = 2
   * @return a copy with it set
   */
  public NdpPersistence acceptRouterAdvertisements(boolean keep) {
    return new NdpPersistence(uplink, keep, fixedCidrV6, routedByDefault);
  }

  /**
   * The daemon's IPv6 prefix for daemon.json ("ipv6": true, "fixed-cidr-v6": ...).
   *
   * @param prefix the prefix, such as {@code 2001:db8:ab11:0:8000::/66}, or null for none
   * @return a copy with it set
   */
  public NdpPersistence fixedCidrV6(String prefix) {
    return new NdpPersistence(uplink, acceptRa, Prefixes.text(Prefixes.prefix(prefix)), routedByDefault);
  }

  /**
   * Whether networks the engine creates later get the routed IPv6 gateway mode: daemon.json's
   * {@code default-network-opts} ({@link dev.sixkit.plan.EngineNeeds#DAEMON_JSON_ROUTED}), for
   * Docker 27+ whose NAT-mode bridges drop traffic from other hosts (28 with ip6tables). Other
   * default-network-opts keys stay.
   *
   * @param on whether to write the routed mode into daemon.json
   * @return these settings with that choice
   */
  public NdpPersistence routedGatewayMode(boolean on) {
    return new NdpPersistence(uplink, acceptRa, fixedCidrV6, on);
  }

  /**
   * The sysctl.d drop-in's text.
   *
   * @return the text
   */
  public String sysctlDropIn() {
    StringBuilder sb = new StringBuilder("# Written by sixkit: NDP proxying on ").append(uplink).append('\n');
    sb.append("net.ipv6.conf.").append(uplink).append(".proxy_ndp = 1\n");
    if (acceptRa) {
      sb.append("# forwarding makes the kernel ignore router advertisements unless accept_ra is 2\n");
      sb.append("net.ipv6.conf.").append(uplink).append(".accept_ra = 2\n");
    }
    sb.append("# the kernel answers proxied solicitations only on a forwarding interface\n");
    sb.append("net.ipv6.conf.").append(uplink).append(".forwarding = 1\n");
    sb.append("# answer proxied neighbour solicitations at once (the kernel waits up to 0.8 s otherwise)\n");
    for (var e : dev.sixkit.plan.FirstContact.sysctls(uplink).entrySet()) {
      sb.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
    }
    return sb.toString();
  }

  /**
   * daemon.json with the IPv6 keys set, the other keys of {@code existing} (may be null) kept.
   *
   * @param existing the current daemon.json, or null
   * @return the new daemon.json
   */
  public String daemonJson(String existing) {
    // JsonParser and JsonWriter rather than Jackson: a sync persists these from its lean process.
    Map<String, Object> root;
    try {
      root = existing == null || existing.isBlank() ? new LinkedHashMap<>()
          : new LinkedHashMap<>(JsonParser.parseObject(existing));
    } catch (IllegalArgumentException e) {
      throw new SixkitException("merge daemon.json", DAEMON_JSON, "the existing file is not a JSON object: " + e.getMessage(), e);
    }
    root.put("ipv6", true);
    if (fixedCidrV6 != null) {
      root.put("fixed-cidr-v6", fixedCidrV6);
    }
    if (routedByDefault) {
      Map<String, Object> opts = object(root.get("default-network-opts"));
      Map<String, Object> bridge = object(opts.get("bridge"));
      bridge.put(dev.sixkit.docker.DockerNetwork.GATEWAY_MODE_IPV6, "routed");
      opts.put("bridge", bridge);
      root.put("default-network-opts", opts);
    }
    return JsonWriter.pretty(root) + "\n";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o) {
    return o instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
  }

  /**
   * Writes the drop-in and merges daemon.json under {@code root}; returns what changed (file by
   * file: ADDED, CHANGED or UNCHANGED).
   *
   * @param root the folder standing for / (such as / itself)
   * @param hostName the host's name, for the changes
   * @return one change per file
   */
  public List<Change> write(Path root, String hostName) {
    List<Change> out = new ArrayList<>();
    out.add(writeFile(root.resolve(SYSCTL_DROP_IN), sysctlDropIn(), hostName));
    Path dj = root.resolve(DAEMON_JSON);
    String existing;
    try {
      existing = Files.exists(dj) ? Files.readString(dj, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      throw new SixkitException("read daemon.json", dj.toString(), e.toString(), e);
    }
    out.add(writeFile(dj, daemonJson(existing), hostName));
    return List.copyOf(out);
  }

  private static Change writeFile(Path f, String text, String hostName) {
    try {
      String before = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
      String object = "file " + f;
      if (text.equals(before)) {
        return Change.unchanged(hostName, object, "as wanted");
      }
      Files.createDirectories(f.getParent());
      Path tmp = f.resolveSibling(f.getFileName() + ".sixkit-tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return before == null ? Change.added(hostName, object, "written")
          : new Change(hostName, Change.Kind.CHANGED, object, "other content", "written");
    } catch (IOException e) {
      throw new SixkitException("write", f.toString(), e.toString(), e);
    }
  }

  /**
   * A systemd unit running the sync after Docker: {@code sixkitCommand} is the sixkit launcher's
   * absolute path, {@code syncArgs} the arguments after {@code sixkit ndp sync}.
   *
   * @param sixkitCommand the launcher's absolute path
   * @param syncArgs the sync's arguments
   * @return the unit file's text
   */
  public static String systemdUnit(String sixkitCommand, List<String> syncArgs) {
    StringBuilder cmd = new StringBuilder(sixkitCommand).append(" ndp sync");
    for (String a : syncArgs) {
      cmd.append(' ').append(a.matches("[A-Za-z0-9_./:=,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return "[Unit]\n"
        + "Description=Sixkit NDP proxy sync: one proxy entry per container IPv6 address\n"
        + "After=docker.service network-online.target\n"
        + "Wants=docker.service network-online.target\n\n"
        + "[Service]\n"
        + "Type=simple\n"
        + "ExecStart=" + cmd + "\n"
        + "Restart=always\n"
        + "RestartSec=2\n"
        // The launcher gives ndp sync its small JVM; a service never builds (a boot is no time for Maven).
        + "Environment=SIXKIT_NO_BUILD=1\n\n"
        + "[Install]\n"
        + "WantedBy=multi-user.target\n";
  }
}
