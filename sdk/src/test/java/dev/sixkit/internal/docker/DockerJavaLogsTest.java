package dev.sixkit.internal.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** docker-java's loggers at WARN once a client exists, on the backends whose levels can be set. */
class DockerJavaLogsTest {
  @Test
  void dockerJavaLoggersAreAtWarnUnlessTheApplicationSetThem() {
    DockerJavaLogs.ensureQuiet();
    assertEquals(Level.WARNING, Logger.getLogger("com.github.dockerjava").getLevel(), "java.util.logging");
    assertEquals("warn", System.getProperty("org.slf4j.simpleLogger.log.com.github.dockerjava"), "slf4j-simple");
    // A more specific logger the application configures still wins (java.util.logging's own rule).
    Logger wire = Logger.getLogger("com.github.dockerjava.zerodep.wire");
    wire.setLevel(Level.FINE);
    assertEquals(true, wire.isLoggable(Level.FINE));
    wire.setLevel(null);
  }
}
