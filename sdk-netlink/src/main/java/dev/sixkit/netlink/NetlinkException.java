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

  /** The positive errno number. */
  private final int errno;
  /** What was being done. */
  private final String operation;
  /** What it was done to; may be empty. */
  private final String object;
  /** This library's explanation, or null. */
  private final String detail;
  /** The kernel's extended-ACK text, or null. */
  private final String kernelMessage;

  /**
   * A failure this library explains in {@code detail} (no kernel text).
   *
   * @param errno the positive errno number
   * @param operation what was being done, such as {@code "add address"}
   * @param object what it was done to; may be empty
   * @param detail the explanation for a person
   */
  public NetlinkException(int errno, String operation, String object, String detail) {
    this(errno, operation, object, detail, null, null);
  }

  /**
   * A failure explained in {@code detail}, caused by another; a NetlinkException cause passes its
   * kernel text on, so re-explaining an error never loses the kernel's words.
   *
   * @param errno the positive errno number
   * @param operation what was being done
   * @param object what it was done to; may be empty
   * @param detail the explanation for a person
   * @param cause the failure underneath
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

  /**
   * The kernel refused a request: {@code kernelText} is its extended ACK (may be null), {@code detail} ours.
   *
   * @param errno the positive errno number the kernel answered
   * @param operation what was being done
   * @param object what it was done to; may be empty
   * @param kernelText the extended ACK text, or null when the kernel sent none
   * @param detail this library's explanation, or null
   * @return the exception to throw
   */
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

  /**
   * The positive errno number.
   *
   * @return the errno, such as 17 for EEXIST
   */
  public int errno() {
    return errno;
  }

  /**
   * The errno's symbolic name, such as {@code EEXIST}.
   *
   * @return the name, or "errno N" for a number this library does not name
   */
  public String errnoName() {
    return Errno.name(errno);
  }

  /**
   * What was being done, such as {@code "add address"}.
   *
   * @return the operation
   */
  public String operation() {
    return operation;
  }

  /**
   * The object it was done to, such as {@code "2001:db8::1/64 dev eth0"}; may be empty.
   *
   * @return the object, possibly empty
   */
  public String object() {
    return object;
  }

  /**
   * The kernel's own extended-ACK text, when it sent one.
   *
   * @return the kernel's text, or empty
   */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }

  /**
   * This library's explanation (what to do, what exactly was missing), when it has one.
   *
   * @return the explanation, or empty
   */
  public Optional<String> detail() {
    return Optional.ofNullable(detail);
  }

  /**
   * Returns a copy naming a different operation and object, keeping errno and kernel text.
   *
   * @param operation the new operation
   * @param object the new object
   * @return the copy
   */
  public NetlinkException withContext(String operation, String object) {
    return new NetlinkException(errno, operation, object, detail, kernelMessage, this.getCause());
  }

  /**
   * Whether the thing named does not exist (ENOENT, ENODEV, ESRCH or EADDRNOTAVAIL).
   *
   * @return true for a not-found errno
   */
  public boolean isNotFound() {
    return errno == Errno.ENOENT || errno == Errno.ENODEV || errno == Errno.ESRCH || errno == Errno.EADDRNOTAVAIL;
  }

  /**
   * Whether the thing to create exists already (EEXIST).
   *
   * @return true for EEXIST
   */
  public boolean isAlreadyExists() {
    return errno == Errno.EEXIST;
  }

  /**
   * Whether the process lacks the privilege (EPERM or EACCES): usually, not root.
   *
   * @return true for EPERM or EACCES
   */
  public boolean isPermissionDenied() {
    return errno == Errno.EPERM || errno == 13;
  }
}
