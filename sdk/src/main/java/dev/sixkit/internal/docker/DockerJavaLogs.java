package dev.sixkit.internal.docker;

import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps docker-java's loggers (its HTTP client logs every request and header at DEBUG: 174 of the
 * 185 lines a short program printed under logback's defaults) at WARN, unless the application set a
 * level on {@code com.github.dockerjava} itself; a level set on a logger below it (such as the
 * wire log) still wins, as a more specific logger does. Done once, before the first client, for the
 * backends whose levels can be set at run time: logback (by reflection, it is not a dependency),
 * {@code java.util.logging} (slf4j-jdk14) and slf4j-simple (its system property, read when it
 * starts). Other backends are left as configured.
 *
 * <p>Stateless apart from the one-time step; thread-safe.
 */
public final class DockerJavaLogs {
  private static final String ROOT = "com.github.dockerjava";
  /** Held so java.util.logging keeps the level (it holds its loggers weakly). */
  private static final java.util.logging.Logger JUL = java.util.logging.Logger.getLogger(ROOT);

  static {
    quiet();
  }

  private DockerJavaLogs() {}

  /** Quiets docker-java's loggers: the first call (class initialisation) does it, later ones nothing. */
  public static void ensureQuiet() {
    // the static initialiser above
  }

  private static void quiet() {
    if (System.getProperty("org.slf4j.simpleLogger.log." + ROOT) == null) {
      System.setProperty("org.slf4j.simpleLogger.log." + ROOT, "warn");
    }
    if (JUL.getLevel() == null) {
      JUL.setLevel(java.util.logging.Level.WARNING);
    }
    Logger l = LoggerFactory.getLogger(ROOT);
    if (l.getClass().getName().equals("ch.qos.logback.classic.Logger")) {
      try {
        Method getLevel = l.getClass().getMethod("getLevel");
        if (getLevel.invoke(l) == null) {
          Class<?> level = Class.forName("ch.qos.logback.classic.Level", true, l.getClass().getClassLoader());
          Object warn = level.getField("WARN").get(null);
          l.getClass().getMethod("setLevel", level).invoke(l, warn);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Another logback than the one known: leave its configuration alone.
      }
    }
  }
}
