package dev.sixkit.internal.ssh;

import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.netlink.NetlinkException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The checks every value passes before it goes to a remote host: interface names, sysctl keys and
 * values, addresses and prefixes. Names and values are held to plain characters (no white space,
 * quotes, shell or ip-batch metacharacters); addresses and prefixes are parsed and sent in Sixkit's
 * own canonical spelling, never as the caller typed them. A value that fails is refused with
 * {@link Reason#INVALID_INPUT} before anything is sent.
 *
 * <p>Stateless; thread-safe.
 */
public final class RemoteInput {
  /** Linux allows more, but nothing else is ever needed and nothing else is safe in a command line. */
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}");
  private static final Pattern SYSCTL_KEY = Pattern.compile("net(\\.[A-Za-z0-9_-]+)+");
  private static final Pattern SYSCTL_VALUE = Pattern.compile("[A-Za-z0-9_.:,/+ -]{1,256}");

  private static final int EINVAL = 22;

  private RemoteInput() {}

  /**
   * An interface name. Linux's own rules first (1 to 15 bytes, no '/', ':' or white space), failing
   * as the kernel host does ({@link NetlinkException} EINVAL); then Sixkit's stricter set for what
   * it sends: letters, digits, '_', '.' and '-', not starting with '.' or '-'.
   */
  public static String ifname(String target, String name) {
    if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 15 || name.equals(".")
        || name.equals("..") || !linuxChars(name)) {
      throw new NetlinkException(EINVAL, "name interface", RemoteInput.visible(name),
          "an interface name is 1 to 15 bytes, not '.' or '..', with no '/', ':', NUL or white space");
    }
    if (!IFNAME.matcher(name).matches()) {
      throw invalid(target, "interface name", name, "an interface name sent to a remote host is 1 to 15 letters,"
          + " digits, '_', '.' or '-', not starting with '.' or '-'");
    }
    return name;
  }

  private static boolean linuxChars(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == ':' || c == 0 || Character.isWhitespace(c) || Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A sysctl key under net. (as {@code sysctl} writes it, such as net.ipv6.conf.eth0.proxy_ndp);
   * returns its path under /proc/sys. Fails as the kernel host does (NetlinkException EINVAL) for
   * a malformed key; a per-device key names its interface with the rules of {@link #ifname}.
   */
  public static String sysctlPath(String target, String key, String op) {
    if (key == null || key.length() > 256 || !SYSCTL_KEY.matcher(key).matches()) {
      throw new NetlinkException(EINVAL, op, RemoteInput.visible(key),
          "a key is 'net.' then names of letters, digits, '_' or '-' joined by dots, such as"
              + " net.ipv6.conf.eth0.proxy_ndp (no '/', no empty or '..' parts)");
    }
    String[] parts = key.split("\\.");
    if (parts.length >= 5 && (parts[1].equals("ipv4") || parts[1].equals("ipv6"))
        && (parts[2].equals("conf") || parts[2].equals("neigh")) && !parts[3].equals("all")
        && !parts[3].equals("default")) {
      ifname(target, parts[3]);
    }
    return "/proc/sys/" + String.join("/", parts);
  }

  /** A sysctl value: one line of up to 256 letters, digits, spaces and {@code _.:,/+-}. */
  public static String sysctlValue(String target, String key, String value) {
    if (value == null || !SYSCTL_VALUE.matcher(value).matches() || value.isBlank()) {
      throw invalid(target, "value of " + key, value, "a sysctl value here is 1 to 256 letters, digits, spaces or"
          + " _.:,/+-");
    }
    return value;
  }

  /** The remote Docker socket path: absolute, plain characters, no '..'. */
  public static String socketPath(String target, String path) {
    if (path == null || !path.startsWith("/") || path.length() > 200 || path.contains("/../") || path.endsWith("/..")
        || !path.matches("[A-Za-z0-9_./@-]+")) {
      throw invalid(target, "Docker socket path", path, "an absolute path of letters, digits and _./@-");
    }
    return path;
  }

  private static SshException invalid(String target, String what, String value, String detail) {
    return new SshException(Reason.INVALID_INPUT, target, "check " + what, "'" + visible(value) + "'",
        detail + "; nothing was sent", null);
  }

  /** Control characters made visible, so a message never carries them raw. */
  public static String visible(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 100; i++) {
      char c = s.charAt(i);
      if (c < 32 || c == 127) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return s.length() > 100 ? sb + "..." : sb.toString();
  }
}
