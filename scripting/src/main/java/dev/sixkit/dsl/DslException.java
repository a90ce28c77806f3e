package dev.sixkit.dsl;

import dev.sixkit.SixkitException;
import java.util.Optional;
import java.util.Set;

/**
 * A setup description that cannot be used: an unknown word, a wrong value, a host defined twice,
 * a host without an uplink, or a plan the hosts refuse. Raised before anything is changed on any
 * host. The message starts with where it happened in the caller's code ({@code routed.groovy:12: })
 * when that is known.
 *
 * <p>Immutable; thread-safe.
 */
public class DslException extends SixkitException {
  private static final long serialVersionUID = 1L;

  /** The file the error is in, or null. */
  private final String file;
  /** The line in {@link #file}, or -1. */
  private final int line;
  /** The message without the location. */
  private final String detail;

  /**
   * An error located at the caller's first frame outside the DSL (a script line, or a Java line).
   *
   * @param detail what is wrong, in the script's own words
   */
  public DslException(String detail) {
    this(userFrame(new Throwable().getStackTrace()), detail, null);
  }

  /**
   * An error located at the caller's first frame outside the DSL, caused by another.
   *
   * @param detail what is wrong, in the script's own words
   * @param cause the failure underneath, or null
   */
  public DslException(String detail, Throwable cause) {
    this(userFrame(new Throwable().getStackTrace()), detail, cause);
  }

  /**
   * An error at a known place; {@code where} may be null.
   *
   * @param where the frame of the user's code, or null
   * @param detail what is wrong
   * @param cause the failure underneath, or null
   */
  public DslException(StackTraceElement where, String detail, Throwable cause) {
    this(where == null ? null : where.getFileName(), where == null ? -1 : where.getLineNumber(), detail, cause);
  }

  /**
   * An error in {@code file} (may be null) at {@code line} (or -1).
   *
   * @param file the script's file name, or null
   * @param line the line, or -1
   * @param detail what is wrong
   * @param cause the failure underneath, or null
   */
  public DslException(String file, int line, String detail, Throwable cause) {
    super(file == null ? "setup" : line > 0 ? file + ":" + line : file, "", detail, cause);
    this.file = file;
    this.line = line;
    this.detail = detail;
  }

  /**
   * An error at a place written as "file:line" (as {@link #where} gives it), or "" when unknown.
   *
   * @param where "file:line", or "" when unknown
   * @param detail what is wrong
   * @return the exception
   */
  public static DslException at(String where, String detail) {
    int colon = where == null ? -1 : where.lastIndexOf(':');
    if (colon <= 0) {
      return new DslException(null, -1, detail, null);
    }
    int line;
    try {
      line = Integer.parseInt(where.substring(colon + 1));
    } catch (NumberFormatException e) {
      return new DslException(where, -1, detail, null);
    }
    return new DslException(where.substring(0, colon), line, detail, null);
  }

  /**
   * The script or source file the error is in, if known.
   *
   * @return the file name, or empty
   */
  public Optional<String> file() {
    return Optional.ofNullable(file);
  }

  /**
   * The line in {@link #file()}, or -1.
   *
   * @return the line, or -1 when unknown
   */
  public int line() {
    return line;
  }

  /**
   * The message without the location.
   *
   * @return the message
   */
  public String detail() {
    return detail;
  }

  private static final Set<String> RUNTIME = Set.of("java.", "jdk.", "sun.", "groovy.", "org.codehaus.groovy.",
      "org.apache.groovy.", "org.junit.", "org.apache.maven.");

  /** Whether a frame belongs to the DSL itself (its classes, not a caller's that share the package). */
  private static boolean dsl(String className) {
    if (className.startsWith("dev.sixkit.plan.")) {
      return true; // the SDK's engine under the language: never the user's line
    }
    if (!className.startsWith("dev.sixkit.dsl.")) {
      return false;
    }
    try {
      Class<?> c = Class.forName(className, false, DslException.class.getClassLoader());
      return java.util.Objects.equals(c.getProtectionDomain().getCodeSource(),
          DslException.class.getProtectionDomain().getCodeSource());
    } catch (ClassNotFoundException | SecurityException | LinkageError e) {
      return true;
    }
  }

  /**
   * Where the user's code is in a stack: the first frame of a Groovy script (its file ends in
   * .groovy: the DSL and Groovy's runtime are Java), else the first frame outside the DSL and the
   * runtimes. Null when there is none.
   *
   * @param trace a stack trace, first frame innermost
   * @return the frame, or null
   */
  public static StackTraceElement userFrame(StackTraceElement[] trace) {
    for (StackTraceElement e : trace) {
      if (e.getFileName() != null && e.getFileName().endsWith(".groovy") && e.getLineNumber() > 0) {
        return e;
      }
    }
    for (StackTraceElement e : trace) {
      if (e.getFileName() == null || e.getLineNumber() <= 0) {
        continue;
      }
      String c = e.getClassName();
      if (RUNTIME.stream().noneMatch(c::startsWith) && !dsl(c)) {
        return e;
      }
    }
    return null;
  }

  /**
   * "routed.groovy:12" for a frame, or "" when unknown.
   *
   * @param e a frame, or null
   * @return "file:line", or ""
   */
  public static String where(StackTraceElement e) {
    return e == null ? "" : e.getFileName() + ":" + e.getLineNumber();
  }
}
