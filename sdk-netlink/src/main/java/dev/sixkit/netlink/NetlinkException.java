package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import java.util.Optional;

/**
 * The one error type of this library: a failed kernel request or system call.
 *
 * <p>It carries the errno (by number and name), the operation that failed (for example
 * {@code "add proxy neighbour"}), the object it was about ({@code "2001:db8::1 dev eth0"}), the
 * kernel's own extended-ACK text when the kernel gave one ({@link #kernelMessage()}), and this
 * library's explanation when it has one ({@link #detail()}). {@link #getMessage()} reads as one
 * sentence for a person: {@code add route 2001:db8::/64 via 2001:db8::2 dev eth0: Gateway can not
 * be a local address (EINVAL: Invalid argument)}.
 *
 * <p>Immutable and thread-safe.
 */
public class NetlinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int errno;
  private final String operation;
  private final String object;
  private final String detail;
  private final String kernelMessage;

  /** A failure this library explains in {@code detail} (no kernel text). */
  public NetlinkException(int errno, String operation, String object, String detail) {
    this(errno, operation, object, detail, null, null);
  }

  /**
   * A failure explained in {@code detail}, caused by another; a NetlinkException cause passes its
   * kernel text on, so re-explaining an error never loses the kernel's words.
   */
  public NetlinkException(int errno, String operation, String object, String detail, Throwable cause) {
    this(errno, operation, object, detail,
        cause instanceof NetlinkException ne ? ne.kernelMessage : null, cause);
  }

  private NetlinkException(int errno, String operation, String object, String detail, String kernelMessage,
      Throwable cause) {
    super(format(errno, operation, object, blankToNull(detail), blankToNull(kernelMessage)), cause);
    this.errno = Math.abs(errno);
    this.operation = operation;
    this.object = object;
    this.detail = blankToNull(detail);
    this.kernelMessage = blankToNull(kernelMessage);
  }

  /** The kernel refused a request: {@code kernelText} is its extended ACK (may be null), {@code detail} ours. */
  public static NetlinkException fromKernel(int errno, String operation, String object, String kernelText,
      String detail) {
    return new NetlinkException(errno, operation, object, detail, kernelText, null);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String format(int errno, String operation, String object, String detail, String kernel) {
    StringBuilder sb = new StringBuilder();
    sb.append(operation == null ? "netlink request" : operation);
    if (object != null && !object.isEmpty()) {
      sb.append(' ').append(object);
    }
    sb.append(": ");
    if (detail == null && kernel == null) {
      return sb.append(Errno.describe(errno)).append(" (").append(Errno.name(errno)).append(')').toString();
    }
    if (detail != null) {
      sb.append(detail);
      if (kernel != null && !detail.contains(kernel)) {
        sb.append(" (kernel: ").append(kernel).append(')');
      }
    } else {
      sb.append(kernel);
    }
    return sb.append(" (").append(Errno.name(errno)).append(": ").append(Errno.describe(errno)).append(')').toString();
  }

  /** The positive errno number. */
  public int errno() {
    return errno;
  }

  /** The errno's symbolic name, such as {@code EEXIST}. */
  public String errnoName() {
    return Errno.name(errno);
  }

  /** What was being done, such as {@code "add address"}. */
  public String operation() {
    return operation;
  }

  /** The object it was done to, such as {@code "2001:db8::1/64 dev eth0"}; may be empty. */
  public String object() {
    return object;
  }

  /** The kernel's own extended-ACK text, when it sent one. */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }

  /** This library's explanation (what to do, what exactly was missing), when it has one. */
  public Optional<String> detail() {
    return Optional.ofNullable(detail);
  }

  /** Returns a copy naming a different operation and object, keeping errno and kernel text. */
  public NetlinkException withContext(String operation, String object) {
    return new NetlinkException(errno, operation, object, detail, kernelMessage, this.getCause());
  }

  public boolean isNotFound() {
    return errno == Errno.ENOENT || errno == Errno.ENODEV || errno == Errno.ESRCH || errno == Errno.EADDRNOTAVAIL;
  }

  public boolean isAlreadyExists() {
    return errno == Errno.EEXIST;
  }

  public boolean isPermissionDenied() {
    return errno == Errno.EPERM || errno == 13;
  }
}
