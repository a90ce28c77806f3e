package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import java.util.Optional;

/**
 * The one error type of this library: a failed kernel request or system call.
 *
 * <p>It carries the errno (by number and name), the operation that failed (for example
 * {@code "add proxy neighbour"}), the object it was about ({@code "2001:db8::1 dev eth0"}), and
 * the kernel's own extended-ACK text when the kernel gave one. {@link #getMessage()} reads as one
 * sentence for a person: {@code add proxy neighbour 2001:db8::1 dev eth9: no such device (ENODEV)}.
 *
 * <p>Immutable and thread-safe.
 */
public class NetlinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int errno;
  private final String operation;
  private final String object;
  private final String kernelMessage;

  public NetlinkException(int errno, String operation, String object, String kernelMessage) {
    this(errno, operation, object, kernelMessage, null);
  }

  public NetlinkException(int errno, String operation, String object, String kernelMessage, Throwable cause) {
    super(format(errno, operation, object, kernelMessage), cause);
    this.errno = Math.abs(errno);
    this.operation = operation;
    this.object = object;
    this.kernelMessage = kernelMessage == null || kernelMessage.isBlank() ? null : kernelMessage;
  }

  private static String format(int errno, String operation, String object, String kernelMessage) {
    StringBuilder sb = new StringBuilder();
    sb.append(operation == null ? "netlink request" : operation);
    if (object != null && !object.isEmpty()) {
      sb.append(' ').append(object);
    }
    sb.append(": ");
    if (kernelMessage != null && !kernelMessage.isBlank()) {
      sb.append(kernelMessage).append(" (").append(Errno.name(errno)).append(": ").append(Errno.describe(errno)).append(')');
    } else {
      sb.append(Errno.describe(errno)).append(" (").append(Errno.name(errno)).append(')');
    }
    return sb.toString();
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

  /** The kernel's extended-ACK text, when it sent one. */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }

  /** Returns a copy naming a different operation and object, keeping errno and kernel text. */
  public NetlinkException withContext(String operation, String object) {
    return new NetlinkException(errno, operation, object, kernelMessage, this.getCause());
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
