package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Per-namespace sysctls under {@code /proc/sys/net}, read and written from the client's thread
 * inside its namespace (so a client for another namespace never touches the caller's own
 * settings).
 *
 * <pre>{@code
 * Sysctls s = nl.sysctls();
 * boolean on = s.ipv6("eth0").proxyNdp();
 * SysctlChange c = s.ipv6("eth0").proxyNdp(true);   // net.ipv6.conf.eth0.proxy_ndp: 0 -> 1
 * s.ipv6All().forwarding(true);
 * s.ipv6("eth0").acceptRa(2);                         // keep accepting RAs while forwarding
 * String v = s.get("net.ipv6.neigh.eth0.retrans_time_ms");
 * }</pre>
 *
 * <p>Keys are written as {@code sysctl(8)} writes them. The generic {@link #get}/{@link #set}
 * take only keys under {@code net.}, made of letters, digits, '_' and '-' between dots (no
 * {@code '/'}, no empty or {@code ..} parts); an interface whose name holds a dot (a VLAN such as
 * {@code eth0.100}) is reached through {@link #ipv6(String)} instead. A write that would not
 * change the value is skipped, since some writes (such as {@code all.forwarding}) reset other
 * settings as a side effect.
 *
 * <p>Thread-safe: every read and write runs on the client's namespace thread; step objects are
 * immutable.
 */
public final class Sysctls {
  private static final Path PROC = Path.of("/proc/sys");
  private static final Pattern KEY = Pattern.compile("net(\\.[A-Za-z0-9_-]+)+");
  private static final Set<String> PER_DEVICE = Set.of("conf", "neigh");
  private static final int MAX_VALUE = 4096;

  private final Netlink nl;

  Sysctls(Netlink nl) {
    this.nl = nl;
  }

  /**
   * IPv6 settings of one interface ({@code net.ipv6.conf.IF.*}); fails with ENODEV naming it
   * when the namespace has no such interface.
   *
   * @param ifname the interface name
   * @return the settings of that interface
   * @throws NetlinkException ENODEV when there is no such interface
   */
  public Ipv6Conf ipv6(String ifname) {
    LinkCodec.requireName(ifname);
    Ipv6Conf c = new Ipv6Conf(ifname);
    nl.inNamespace(() -> {
      requireDevice("ipv6", ifname, "open IPv6 settings", ifname);
      return null;
    });
    return c;
  }

  /**
   * {@code net.ipv6.conf.all.*}: writing one sets it on every interface too (forwarding).
   *
   * @return the "all" settings
   */
  public Ipv6Conf ipv6All() {
    return new Ipv6Conf("all");
  }

  /**
   * {@code net.ipv6.conf.default.*}: what interfaces created later start with.
   *
   * @return the "default" settings
   */
  public Ipv6Conf ipv6Default() {
    return new Ipv6Conf("default");
  }

  /**
   * Reads any sysctl under {@code net.}; an unknown key fails with ENOENT naming it.
   *
   * @param key the dotted key, such as {@code net.ipv6.conf.eth0.proxy_ndp}
   * @return the value as the kernel prints it, trimmed
   * @throws NetlinkException ENOENT for an unknown key, EINVAL for a key outside {@code net.}
   */
  public String get(String key) {
    Path p = pathOf(key, "read sysctl");
    return nl.inNamespace(() -> read(p, key));
  }

  /**
   * Writes any sysctl under {@code net.} and returns what changed. The kernel's refusal (a value
   * out of range, say) fails with its errno and leaves the value as it was.
   *
   * @param key the dotted key
   * @param value the value to write
   * @return the old and new values
   * @throws NetlinkException ENOENT for an unknown key, or the kernel's errno when it refuses the value
   */
  public SysctlChange set(String key, String value) {
    Path p = pathOf(key, "write sysctl");
    checkValue(key, value);
    return nl.inNamespace(() -> write(p, key, value));
  }

  // ---- keys and paths ----

  private Path pathOf(String key, String op) {
    if (key == null || key.length() > 256 || !KEY.matcher(key).matches()) {
      throw new NetlinkException(Errno.EINVAL, op, String.valueOf(key),
          "a key is 'net.' then names of letters, digits, '_' or '-' joined by dots, such as"
              + " net.ipv6.conf.eth0.proxy_ndp (no '/', no empty or '..' parts)");
    }
    String[] parts = key.split("\\.");
    if (parts.length >= 5 && (parts[1].equals("ipv4") || parts[1].equals("ipv6")) && PER_DEVICE.contains(parts[2])
        && !parts[3].equals("all") && !parts[3].equals("default")) {
      LinkCodec.requireName(parts[3]);
    }
    return PROC.resolve(String.join("/", parts));
  }

  private static void checkValue(String key, String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_VALUE || value.indexOf('\n') >= 0
        || value.indexOf('\0') >= 0) {
      throw new NetlinkException(Errno.EINVAL, "write sysctl", key,
          "a value is one line of 1 to " + MAX_VALUE + " characters");
    }
  }

  /** {@code sysctl(8)} spelling: dots inside an interface name become '/'. */
  static String keyOf(String family, String scope, String leaf) {
    return "net." + family + ".conf." + scope.replace('.', '/') + "." + leaf;
  }

  // ---- file access, always on the namespace thread ----

  /** Fails with ENODEV naming the interface when its per-device folder is missing. */
  private void requireDevice(String family, String dev, String op, String key) {
    if (dev.equals("all") || dev.equals("default") || Files.isDirectory(PROC.resolve("net").resolve(family)
        .resolve("conf").resolve(dev))) {
      return;
    }
    // The folder also goes when IPv6 is torn down on a live interface (an MTU below 1280).
    String why = nl.links().find(dev).isPresent()
        ? "interface '" + dev + "' has no " + family + " settings now (IPv6 needs an MTU of at least 1280)"
        : "no interface named '" + dev + "' in " + nl.links().where();
    throw new NetlinkException(Errno.ENODEV, op, key, why);
  }

  private void checkDeviceOf(String key, String op) {
    String[] parts = key.split("\\.");
    if (parts.length >= 5 && (parts[1].equals("ipv4") || parts[1].equals("ipv6")) && PER_DEVICE.contains(parts[2])) {
      requireDevice(parts[1], parts[3].replace('/', '.'), op, key);
    }
  }

  private String read(Path p, String key) {
    try {
      // One large read: proc_dointvec answers a read at a non-zero offset with end of file, so
      // Files.readString (which probes with a one-byte read on a zero-size file) sees "1" of "1000".
      byte[] b = new byte[64 * 1024];
      int n = 0;
      try (InputStream in = Files.newInputStream(p)) {
        for (int r; n < b.length && (r = in.read(b, n, b.length - n)) > 0; ) {
          n += r;
        }
      }
      String v = new String(b, 0, n, StandardCharsets.UTF_8);
      return v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
    } catch (NoSuchFileException e) {
      checkDeviceOf(key, "read sysctl");
      throw new NetlinkException(Errno.ENOENT, "read sysctl", key, "no sysctl named " + key + " in "
          + nl.netns().label());
    } catch (IOException e) {
      throw failure(e, "read sysctl", key, p);
    }
  }

  private SysctlChange write(Path p, String key, String value) {
    if (!Files.exists(p)) {
      checkDeviceOf(key, "write sysctl");
      throw new NetlinkException(Errno.ENOENT, "write sysctl", key, "no sysctl named " + key + " in "
          + nl.netns().label());
    }
    String before = read(p, key);
    if (before.equals(value)) {
      return new SysctlChange(key, before, before);
    }
    try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.WRITE)) {
      // One write(2) with the whole value, as sysctl(8) does; the kernel parses it at once.
      out.write((value + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw failure(e, "write sysctl", key + "=" + value, p);
    }
    return new SysctlChange(key, before, read(p, key));
  }

  private NetlinkException failure(IOException e, String op, String object, Path p) {
    if (e instanceof AccessDeniedException) {
      return new NetlinkException(13, op, object, "permission denied on " + p);
    }
    if (Files.isDirectory(p)) {
      return new NetlinkException(21, op, object, p + " is a group of settings, not one setting");
    }
    // Errors of write(2) reach Java as the C library's text only: map the usual ones back.
    String msg = String.valueOf(e.getMessage());
    for (int errno : new int[] {Errno.EINVAL, Errno.ERANGE, Errno.EPERM, 13, 30, Errno.EBUSY, Errno.EOPNOTSUPP}) {
      if (msg.contains(Errno.describe(errno))) {
        return new NetlinkException(errno, op, object, "the kernel refused the value", e);
      }
    }
    return new NetlinkException(5, op, object, msg, e);
  }

  /**
   * The IPv6 settings of one interface, {@code all} or {@code default}. Immutable and
   * thread-safe; each call reads or writes the kernel's current value.
   */
  public final class Ipv6Conf {
    private final String scope;

    private Ipv6Conf(String scope) {
      this.scope = scope;
    }

    /**
     * The interface name, {@code all} or {@code default}.
     *
     * @return the scope word
     */
    public String scope() {
      return scope;
    }

    /**
     * {@code proxy_ndp}: answer neighbour solicitations for proxy entries on this interface. The
     * kernel proxies when this or {@code all.proxy_ndp} is on.
     *
     * @return whether proxy_ndp is 1
     */
    public boolean proxyNdp() {
      return intValue("proxy_ndp") != 0;
    }

    /**
     * Sets {@code proxy_ndp} on this interface.
     *
     * @param on true for 1
     * @return the old and new values
     */
    public SysctlChange proxyNdp(boolean on) {
      return put("proxy_ndp", on ? "1" : "0");
    }

    /**
     * {@code forwarding}: route IPv6 packets between interfaces (and act as a router).
     *
     * @return whether forwarding is 1
     */
    public boolean forwarding() {
      return intValue("forwarding") != 0;
    }

    /**
     * Sets {@code forwarding} here.
     *
     * @param on true for 1
     * @return the old and new values
     */
    public SysctlChange forwarding(boolean on) {
      return put("forwarding", on ? "1" : "0");
    }

    /**
     * {@code accept_ra}: 0 ignores router advertisements, 1 accepts them unless forwarding, 2
     * accepts them even when forwarding.
     *
     * @return 0, 1 or 2
     */
    public int acceptRa() {
      return intValue("accept_ra");
    }

    /**
     * Sets {@code accept_ra}.
     *
     * @param mode 0, 1 or 2
     * @return the old and new values
     * @throws NetlinkException EINVAL from the kernel for a value it does not take
     */
    public SysctlChange acceptRa(int mode) {
      if (mode < 0 || mode > 2) {
        throw new NetlinkException(Errno.ERANGE, "write sysctl", key("accept_ra") + "=" + mode,
            "accept_ra is 0 (never), 1 (unless forwarding) or 2 (even when forwarding)");
      }
      return put("accept_ra", Integer.toString(mode));
    }

    /**
     * {@code disable_ipv6}: IPv6 off on this interface (its addresses go).
     *
     * @return whether disable_ipv6 is 1
     */
    public boolean disableIpv6() {
      return intValue("disable_ipv6") != 0;
    }

    /**
     * Sets {@code disable_ipv6}.
     *
     * @param off true for 1 (IPv6 off)
     * @return the old and new values
     */
    public SysctlChange disableIpv6(boolean off) {
      return put("disable_ipv6", off ? "1" : "0");
    }

    /**
     * The {@code sysctl(8)} key of a setting here, such as net.ipv6.conf.eth0.proxy_ndp.
     *
     * @param leaf the setting's name, such as {@code proxy_ndp}
     * @return the full key
     */
    public String key(String leaf) {
      return keyOf("ipv6", scope, leaf);
    }

    private Path path(String leaf) {
      return PROC.resolve("net/ipv6/conf").resolve(scope).resolve(leaf);
    }

    private int intValue(String leaf) {
      String key = key(leaf);
      String v = nl.inNamespace(() -> read(path(leaf), key));
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw new NetlinkException(Errno.EBADMSG, "read sysctl", key, "'" + v + "' is not a number");
      }
    }

    private SysctlChange put(String leaf, String value) {
      String key = key(leaf);
      return nl.inNamespace(() -> {
        requireDevice("ipv6", scope, "write sysctl", key);
        return write(path(leaf), key, value);
      });
    }

    @Override
    public String toString() {
      return "net.ipv6.conf." + scope.replace('.', '/') + " in " + nl.netns().label();
    }
  }
}
