package dev.sixkit.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import dev.sixkit.doctor.Fact;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonConfigTest {

  @Test
  void readsTheCommandLineInEveryFlagForm() {
    DaemonConfig c = DaemonConfig.fromArgs(List.of("dockerd", "--ipv6", "--fixed-cidr-v6", "2001:db8:ab11:0:8000::/66",
        "--userland-proxy=false", "--ip6tables=true", "--experimental", "--data-root", "/x"));
    assertEquals(new Fact<>(true, Fact.Source.COMMAND_LINE), c.ipv6().orElseThrow());
    assertEquals(new Fact<>("2001:db8:ab11:0:8000::/66", Fact.Source.COMMAND_LINE), c.fixedCidrV6().orElseThrow());
    assertEquals(new Fact<>(false, Fact.Source.COMMAND_LINE), c.userlandProxy().orElseThrow());
    assertEquals(new Fact<>(true, Fact.Source.COMMAND_LINE), c.ip6tables().orElseThrow());
    assertEquals(new Fact<>(true, Fact.Source.COMMAND_LINE), c.experimental().orElseThrow());
    assertTrue(c.ipForward().isEmpty());
  }

  @Test
  void equalsFormOfFixedCidr() {
    DaemonConfig c = DaemonConfig.fromArgs(List.of("--fixed-cidr-v6=2001:db8:cd11::/64", "--ipv6=false"));
    assertEquals("2001:db8:cd11::/64", c.fixedCidrV6().orElseThrow().value());
    assertFalse(c.ipv6().orElseThrow().value());
  }

  @Test
  void badBooleanNamesTheFlag() {
    SixkitException e = assertThrows(SixkitException.class,
        () -> DaemonConfig.fromArgs(List.of("--userland-proxy=maybe")));
    assertTrue(e.getMessage().contains("--userland-proxy"), e.getMessage());
    assertTrue(e.getMessage().contains("maybe"), e.getMessage());
  }

  @Test
  void fixedCidrWithoutValue() {
    SixkitException e = assertThrows(SixkitException.class, () -> DaemonConfig.fromArgs(List.of("--fixed-cidr-v6")));
    assertTrue(e.getMessage().contains("--fixed-cidr-v6"), e.getMessage());
  }

  @Test
  void readsDaemonJsonAndTheCommandLineWins() {
    DaemonConfig json = DaemonConfig.fromDaemonJson(
        "{\"ipv6\": true, \"fixed-cidr-v6\": \"2001:db8:ef11::/64\", \"userland-proxy\": false, \"log-level\": \"info\"}");
    assertEquals(new Fact<>(false, Fact.Source.DAEMON_JSON), json.userlandProxy().orElseThrow());
    DaemonConfig merged = DaemonConfig.fromArgs(List.of("--userland-proxy=true")).orElse(json);
    assertEquals(new Fact<>(true, Fact.Source.COMMAND_LINE), merged.userlandProxy().orElseThrow());
    assertEquals(new Fact<>("2001:db8:ef11::/64", Fact.Source.DAEMON_JSON), merged.fixedCidrV6().orElseThrow());
    assertTrue(merged.ip6tables().isEmpty());
  }

  @Test
  void daemonJsonErrorsNameTheKey() {
    SixkitException e = assertThrows(SixkitException.class, () -> DaemonConfig.fromDaemonJson("{\"ipv6\": \"yes\"}"));
    assertTrue(e.getMessage().contains("ipv6"), e.getMessage());
    assertThrows(SixkitException.class, () -> DaemonConfig.fromDaemonJson("[1]"));
    assertThrows(SixkitException.class, () -> DaemonConfig.fromDaemonJson("{nope"));
    assertTrue(DaemonConfig.fromDaemonJson("").ipv6().isEmpty());
  }

  @Test
  void majorVersion() {
    assertEquals(20, DaemonFacts.majorVersion("20.10.24+dfsg1"));
    assertEquals(28, DaemonFacts.majorVersion("28.0.1"));
    assertEquals(0, DaemonFacts.majorVersion("dev"));
  }
}
