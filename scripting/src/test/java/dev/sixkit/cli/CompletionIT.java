package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.lab.Lab;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Bash completion of names: the script {@code sixkit completion} prints, sourced by bash and called
 * as on Tab, offers the namespaces, interfaces and labs that exist, read back from the system
 * ({@code ip netns list}, {@code ip -json link} of the namespace named on the line, the labs' state
 * folders as {@code sixkit lab list} reads them). Namespaces made here, removed after.
 */
class CompletionIT {

  private static Set<String> ifnames(String netns) {
    TreeSet<String> out = new TreeSet<>();
    for (JsonNode l : Ip.json(netns, "link", "show")) {
      out.add(l.get("ifname").asText());
    }
    return out;
  }

  private static Set<String> netnsNames() {
    TreeSet<String> out = new TreeSet<>();
    Ip.run(null, "netns", "list").lines().filter(l -> !l.isBlank()).forEach(l -> out.add(l.split(" ")[0]));
    return out;
  }

  /**
   * Equal, on a machine where other tests add and remove labs and links in the root namespace at
   * any time: compared when the witness read the same before and after the completion.
   */
  private static void assertSameWhileStill(Supplier<Set<String>> witness, Supplier<Set<String>> completed) {
    for (int i = 0; ; i++) {
      Set<String> before = witness.get();
      Set<String> got = completed.get();
      if (before.equals(witness.get()) || i == 10) {
        assertEquals(before, got);
        return;
      }
    }
  }

  @Test
  void namespacesInterfacesAndLabsCompleteWithWhatExists() throws Exception {
    try (TestNetns namespaces = new TestNetns(); BashCompletion bash = new BashCompletion()) {
      String tag = "cmp" + Long.toHexString(System.nanoTime() & 0xfff);
      String a = namespaces.create(tag).name();
      String b = namespaces.create(tag).name();
      Ip.run(a, "link", "add", "cmpa0", "type", "veth", "peer", "name", "cmpb0", "netns", b);

      // --netns: the namespaces whose names start with the word, as ip netns lists them
      String prefix = "sxt-" + tag + "-";
      assertEquals(new TreeSet<>(List.of(a, b)), bash.names("sixkit", "show", "links", "--netns", prefix));
      assertTrue(bash.names("sixkit", "show", "neighbours", "--netns", "").containsAll(List.of(a, b)));
      assertSameWhileStill(CompletionIT::netnsNames, () -> bash.names("sixkit", "show", "neighbours", "--netns", ""));
      assertEquals(Set.of(b), bash.names("sixkit", "ndp", "sync", "--netns", b));
      // --netns=NAME: bash splits at '='
      assertEquals(new TreeSet<>(List.of(a, b)), bash.names("sixkit", "doctor", "--netns", "=", prefix));

      // --dev and --uplink: the interfaces of the namespace named earlier on the line
      assertEquals(Set.of("cmpa0", "lo"), ifnames(a));
      assertEquals(ifnames(a), bash.names("sixkit", "show", "addresses", "--netns", a, "--dev", ""));
      assertEquals(Set.of("cmpa0"), bash.names("sixkit", "show", "neigh", "--netns", a, "--dev", "cm"));
      assertEquals(ifnames(b), bash.names("sixkit", "ndp", "sync", "--netns", "=", b, "--once", "--uplink", ""));
      // ... else of this namespace
      assertSameWhileStill(() -> ifnames(null), () -> bash.names("sixkit", "show", "neighbours", "--dev", ""));

      // --name of lab commands and --lab: the labs lab list knows (their state folders)
      assertSameWhileStill(() -> new TreeSet<>(Lab.list()), () -> bash.names("sixkit", "lab", "status", "--name", ""));
      assertSameWhileStill(() -> new TreeSet<>(Lab.list()), () -> bash.names("sixkit", "ndp", "sync", "--lab", ""));

      // every other word is picocli's: subcommands and options
      assertEquals(List.of("links", "link"), bash.complete("sixkit", "show", "li"));
      assertTrue(bash.complete("sixkit", "show", "links", "--n").contains("--netns"));
    }
  }
}
