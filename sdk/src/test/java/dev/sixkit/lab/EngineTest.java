package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Engine names, versions and the apt sources the fetch builds its mirror from. */
class EngineTest {
  @Test
  void knownEngines_newestIsTheDefault() {
    assertEquals(List.of("20.10", "28"), Engine.known().stream().map(Engine::name).toList());
    assertEquals(Engine.V28, Engine.newest());
    assertEquals(Engine.V28, Engine.of("28"));
    assertEquals(Engine.V28, Engine.of("28.5.2"));
    assertEquals(Engine.V20_10, Engine.of(" 20.10 "));
  }

  @Test
  void unknownEngine_listsTheKnownOnes() {
    for (String bad : new String[] {"29", "2", "20", "", "latest", "28x"}) {
      SixkitException e = assertThrows(SixkitException.class, () -> Engine.of(bad), bad);
      assertTrue(e.getMessage().contains("20.10, 28"), e.getMessage());
    }
    assertThrows(SixkitException.class, () -> Engine.of(null));
  }

  @Test
  void versions() {
    assertEquals("20.10.24", Engine.parseVersion("Docker version 20.10.24+dfsg1, build 5d6db84"));
    assertEquals("28.5.2", Engine.parseVersion("Docker version 28.5.2+dfsg4, build 3ef3c07c88"));
  }

  @Test
  void oneLineSources() {
    List<AptSources.Entry> e = AptSources.parseList("# comment\ndeb-src http://m.example/debian bookworm main\n"
        + "deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://m.example/debian bookworm main contrib # x\n"
        + "deb https://other.example/apt cloud-sdk-bookworm main\n");
    assertEquals(2, e.size());
    assertEquals("http://m.example/debian", e.get(0).uri());
    assertEquals(Optional.of("/usr/share/keyrings/k.gpg"), e.get(0).signedBy());
    assertEquals(List.of("main", "contrib"), e.get(0).components());
    assertTrue(e.get(0).mainArchive());
    assertTrue(!e.get(1).mainArchive(), "a suite with a dash is not a release suite");
  }

  @Test
  void deb822Sources_asOnThisMachine() {
    String text = "Types: deb\n# http://snapshot.example/archive/debian/20250520T000000Z\nURIs: http://m.example/debian\n"
        + "Suites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        + "\nTypes: deb\nURIs: http://m.example/debian-security\nSuites: bookworm-security\nComponents: main\n"
        + "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        + "\nTypes: deb\nURIs: http://off.example/x\nSuites: stable\nComponents: main\nEnabled: no\n";
    AptSources s = new AptSources(AptSources.parseDeb822(text));
    assertEquals(2, s.entries().size());
    List<AptSources.Entry> c = s.mirrorCandidates();
    assertEquals(1, c.size());
    assertEquals("http://m.example/debian", c.get(0).uri());
    assertEquals("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m.example/debian unstable main\n",
        EngineFetch.sourcesLine(c.get(0)));
  }

  @Test
  void foreignKeyrings_comeAfterDebians() {
    AptSources s = new AptSources(AptSources.parseList(
        "deb [signed-by=/usr/share/keyrings/nodesource.gpg] https://n.example/node nodistro main\n"
            + "deb http://m.example/debian bookworm main\n"));
    assertEquals("http://m.example/debian", s.mirrorCandidates().get(0).uri());
  }
}
