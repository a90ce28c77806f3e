package dev.sixkit.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sixkit.lab.WebImageProbe;

/**
 * Parsers of outside input that must never throw: the Engine's address strings (a bad one is
 * "absent") and the ELF check on whatever file is offered as busybox. Seeds in
 * ParsersFuzzTestInputs/METHOD/.
 */
class ParsersFuzzTest {

  @FuzzTest
  void engineAddresses(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    Ips.address(s);
    Ips.ipv6(s);
    Ips.ipv4(s);
    Ips.prefix(s).ifPresent(p -> p.toCanonicalString());
  }

  @FuzzTest
  void elfHeader(byte[] bytes) {
    WebImageProbe.isStaticElf(bytes);
  }
}
