package dev.sixkit.internal.iproute;

import dev.sixkit.netlink.NetlinkException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what iproute2 and coreutils print on failure back into the {@link NetlinkException} a
 * kernel host would have thrown: the errno from "RTNETLINK answers: TEXT" (glibc's strerror
 * texts), the kernel's extended-ACK text from "Error: TEXT", ENODEV from "Cannot find device".
 *
 * <p>Stateless; thread-safe.
 */
public final class IpErrors {
  private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d{1,9})(?!\\d)");
  private static final Pattern NO_DEVICE = Pattern.compile("Cannot find device \"([^\"]*)\"");

  /** glibc's strerror texts of the errnos ip and the kernel's sysctl files answer with. */
  private static final Map<String, Integer> ERRNO = Map.ofEntries(Map.entry("Operation not permitted", 1),
      Map.entry("No such file or directory", 2), Map.entry("No such process", 3), Map.entry("Input/output error", 5),
      Map.entry("Argument list too long", 7), Map.entry("Cannot allocate memory", 12),
      Map.entry("Permission denied", 13), Map.entry("Device or resource busy", 16), Map.entry("File exists", 17),
      Map.entry("No such device", 19), Map.entry("Invalid argument", 22), Map.entry("No space left on device", 28),
      Map.entry("Read-only file system", 30), Map.entry("Numerical result out of range", 34),
      Map.entry("No data available", 61), Map.entry("Message too long", 90), Map.entry("Protocol not supported", 93),
      Map.entry("Operation not supported", 95), Map.entry("Address family not supported by protocol", 97),
      Map.entry("Cannot assign requested address", 99), Map.entry("Network is down", 100),
      Map.entry("Network is unreachable", 101), Map.entry("No buffer space available", 105),
      Map.entry("No route to host", 113));

  public static final int EIO = 5;
  public static final int ENOENT = 2;
  public static final int ENODEV = 19;

  private IpErrors() {}

  /** The batch line ip -batch stopped at ("Command failed -:N"), 1-based. */
  public static OptionalInt failedLine(String stderr) {
    if (stderr == null) {
      return OptionalInt.empty();
    }
    Matcher m = FAILED_LINE.matcher(stderr);
    if (!m.find()) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(m.group(1)));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** The errno of a strerror text found in the message, or -1. */
  public static int errnoOf(String text) {
    if (text == null) {
      return -1;
    }
    for (var e : ERRNO.entrySet()) {
      if (text.contains(e.getKey())) {
        return e.getValue();
      }
    }
    return -1;
  }

  /**
   * The failure ip reported, as a NetlinkException for {@code operation object}; {@code where}
   * ("on docker1") completes a missing-device message.
   */
  public static NetlinkException toException(String stderr, String operation, String object, String where) {
    String kernel = null;
    String own = null;
    int errno = -1;
    for (String raw : String.valueOf(stderr).split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || FAILED_LINE.matcher(line).find()) {
        continue;
      }
      Matcher dev = NO_DEVICE.matcher(line);
      if (dev.find()) {
        return new NetlinkException(ENODEV, operation, object, "no interface named '" + dev.group(1) + "' " + where);
      }
      if (line.startsWith("RTNETLINK answers: ")) {
        errno = errnoOf(line.substring("RTNETLINK answers: ".length()));
      } else if (line.startsWith("Error: ")) {
        // The kernel's extended ACK: ip prints it instead of the errno text.
        kernel = line.substring("Error: ".length());
        if (kernel.endsWith(".")) {
          kernel = kernel.substring(0, kernel.length() - 1);
        }
      } else if (kernel == null && errno < 0) {
        int e = errnoOf(line);
        if (e > 0) {
          errno = e;
        } else if (own == null) {
          own = "ip: " + line; // ip's own complaint, such as an argument it did not understand
        }
      }
    }
    if (errno < 0) {
      errno = kernel != null && kernel.contains("exists") ? 17 : kernel != null || own != null ? 22 : EIO;
    }
    return NetlinkException.fromKernel(errno, operation, object, kernel, own);
  }
}
