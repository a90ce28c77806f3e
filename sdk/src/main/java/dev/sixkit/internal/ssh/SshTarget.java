package dev.sixkit.internal.ssh;

import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import dev.sixkit.netlink.IpAddresses;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Where an SSH host is: user, host and port, parsed from {@code user@host}, {@code user@host:port},
 * {@code user@[2001:db8::1]:port} or a bare IPv6 literal, and checked strictly: a user name is a
 * POSIX login name, a host is a DNS name or an IP literal. Anything else (white space, quotes, shell
 * metacharacters, a leading '-') is refused before any connection is made.
 *
 * @param user login name
 * @param host DNS name, or an IP literal in canonical form (IPv6 without brackets)
 * @param port TCP port
 *
 * <p>Immutable record; thread-safe.
 */
public record SshTarget(String user, String host, int port) {
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IP_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  public SshTarget {
    if (user == null || !USER.matcher(user).matches()) {
      throw invalid(String.valueOf(user), "a user name is 1 to 32 lower-case letters, digits, '_', '.' or '-',"
          + " starting with a letter or '_'");
    }
    host = checkHost(host);
    if (port < 1 || port > 65535) {
      throw invalid(user + "@" + host + ":" + port, "a port is 1 to 65535");
    }
  }

  /**
   * Parses {@code [user@]host[:port]}; the user defaults to {@code defaultUser}, the port to
   * {@code defaultPort}. An IPv6 literal with a port goes in brackets.
   */
  public static SshTarget parse(String text, String defaultUser, int defaultPort) {
    if (text == null || text.isEmpty() || text.length() > 300) {
      throw invalid(String.valueOf(text), "give the host as user@host or user@host:port");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && "@:.-_[]".indexOf(c) < 0) {
        throw invalid(text, "'" + printable(c) + "' cannot appear in user@host:port");
      }
    }
    String user = defaultUser;
    String rest = text;
    int at = text.indexOf('@');
    if (at >= 0) {
      if (text.indexOf('@', at + 1) >= 0) {
        throw invalid(text, "more than one '@'");
      }
      user = text.substring(0, at);
      rest = text.substring(at + 1);
    }
    String host;
    int port = defaultPort;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw invalid(text, "an IPv6 literal opened with '[' needs a closing ']'");
      }
      host = rest.substring(1, close);
      String after = rest.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw invalid(text, "only ':port' may follow ']'");
        }
        port = parsePort(text, after.substring(1));
      }
    } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') != rest.lastIndexOf(':')) {
      host = rest; // several colons: a bare IPv6 literal, no port
    } else if (rest.indexOf(':') >= 0) {
      host = rest.substring(0, rest.indexOf(':'));
      port = parsePort(text, rest.substring(rest.indexOf(':') + 1));
    } else {
      host = rest;
    }
    if (user == null || user.isEmpty()) {
      throw invalid(text, "no user name before '@'");
    }
    return new SshTarget(user, host, port);
  }

  private static int parsePort(String text, String p) {
    if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(Character::isDigit)) {
      throw invalid(text, "the port '" + p + "' is not a number from 1 to 65535");
    }
    return Integer.parseInt(p);
  }

  private static String checkHost(String host) {
    if (host == null || host.isEmpty() || host.length() > 253) {
      throw invalid(String.valueOf(host), "a host is a DNS name or an IP address");
    }
    if (host.indexOf(':') >= 0 || (IP_CHARS.matcher(host).matches() && host.chars().filter(c -> c == '.').count() == 3
        && host.chars().noneMatch(Character::isLetter))) {
      InetAddress a;
      try {
        a = IpAddresses.parse(host);
      } catch (RuntimeException e) {
        throw invalid(host, "not a valid IP address");
      }
      return IpAddresses.format(a);
    }
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] labels = h.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw invalid(host, "a host name is dot-separated labels of letters, digits and inner '-'");
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      // Not a name (RFC 3696: a top-level label is never all digits), and not a valid IPv4 literal.
      throw invalid(host, "neither an IPv4 address nor a host name");
    }
    return h;
  }

  private static String printable(char c) {
    return c < 32 || c == 127 ? String.format("\\x%02x", (int) c) : String.valueOf(c);
  }

  private static SshException invalid(String what, String detail) {
    return new SshException(Reason.INVALID_TARGET, null, "parse SSH target", "'" + RemoteInput.visible(what) + "'",
        detail + "; nothing was sent", null);
  }

  /** Whether the host is an IPv6 literal. */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /** The host as known_hosts writes it: bare for port 22, {@code [host]:port} otherwise. */
  public String knownHostsName() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }

  /** The address to connect to: an IP literal parsed without DNS, else the name. */
  public String connectHost() {
    return host;
  }

  /** Whether the host is an IP literal. */
  public boolean isLiteral() {
    return host.indexOf(':') >= 0 || (IP_CHARS.matcher(host).matches() && host.chars().noneMatch(Character::isLetter));
  }

  /** user@host:port, with brackets around an IPv6 host. */
  @Override
  public String toString() {
    return user + "@" + (isIpv6() ? "[" + host + "]" : host) + ":" + port;
  }
}
