package dev.sixkit.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * SshOptions is a value: a host pool keys open connections on it, so equal settings must give
 * equal options (and hash codes), and any one setting changed must not.
 */
class SshOptionsTest {
  private static final Path KEY = Path.of("/tmp/sixkit-test/id_ed25519");

  private static SshOptions base() {
    return SshOptions.defaults().identity(KEY).knownHosts(Path.of("/tmp/sixkit-test/known_hosts"))
        .dockerSocket("/run/d.sock").name("docker1").user("root").port(22);
  }

  @Test
  void sameSettingsAreEqualWithEqualHashCodes() {
    assertEquals(SshOptions.defaults(), SshOptions.defaults());
    assertEquals(SshOptions.defaults().hashCode(), SshOptions.defaults().hashCode());
    assertEquals(base(), base());
    assertEquals(base().hashCode(), base().hashCode());
    // built in another order, the same settings
    SshOptions other = SshOptions.defaults().port(22).user("root").name("docker1").dockerSocket("/run/d.sock")
        .knownHosts(Path.of("/tmp/sixkit-test/known_hosts")).identity(KEY);
    assertEquals(base(), other);
    assertEquals(base().hashCode(), other.hashCode());
    assertEquals(base().connectTimeout(Duration.ofSeconds(5)), base().connectTimeout(Duration.ofMillis(5000)));
    assertEquals(base().noDocker(), base().noDocker());
  }

  @Test
  void anySettingThatDiffersMakesThemUnequal() {
    Map<String, UnaryOperator<SshOptions>> change = new LinkedHashMap<>();
    change.put("user", o -> o.user("admin"));
    change.put("port", o -> o.port(2222));
    change.put("another identity", o -> o.identity(Path.of("/tmp/sixkit-test/id_rsa")));
    change.put("a passphrase", o -> SshOptions.defaults().identity(KEY, "secret")
        .knownHosts(Path.of("/tmp/sixkit-test/known_hosts")).dockerSocket("/run/d.sock").name("docker1")
        .user("root").port(22));
    change.put("agent socket", o -> o.agent(Path.of("/tmp/sixkit-test/agent.sock")));
    change.put("no agent", SshOptions::noAgent);
    change.put("known_hosts", o -> o.knownHosts(Path.of("/tmp/sixkit-test/other_known_hosts")));
    change.put("trust on first use", SshOptions::trustOnFirstUse);
    change.put("connect timeout", o -> o.connectTimeout(Duration.ofSeconds(7)));
    change.put("command timeout", o -> o.commandTimeout(Duration.ofSeconds(7)));
    change.put("docker socket", o -> o.dockerSocket("/run/other.sock"));
    change.put("no docker", SshOptions::noDocker);
    change.put("name", o -> o.name("docker2"));
    change.put("exec per command", SshOptions::execPerCommand);
    SshOptions base = base();
    change.forEach((what, f) -> {
      SshOptions o = f.apply(base());
      assertNotEquals(base, o, what);
      assertNotEquals(o, base, what);
      assertNotEquals(base.hashCode(), o.hashCode(), what); // not required, but these must spread
    });
    assertNotEquals(SshOptions.defaults(), SshOptions.defaults().port(22), "as given, not as resolved");
    assertNotEquals(base(), null);
    assertNotEquals(base(), "SshOptions");
  }
}
