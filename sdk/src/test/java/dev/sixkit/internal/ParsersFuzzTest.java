package dev.sixkit.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sixkit.internal.docker.EngineApi;
import dev.sixkit.internal.docker.EngineReader;
import dev.sixkit.internal.iproute.SsListing;
import dev.sixkit.internal.json.JsonParser;
import dev.sixkit.internal.os.Ips;
import dev.sixkit.lab.WebImageProbe;

/**
 * Parsers of outside input that must never throw: the Engine's address strings (a bad one is
 * "absent"), the lean reader's JSON and its mapping to records, ss listings from SSH hosts, and the ELF check on whatever file
 * is offered as busybox. Seeds in
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

  /** The lean Engine reader: any text is a value or a SyntaxException, and any value maps without throwing. */
  @FuzzTest
  void engineJson(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    EngineReader.toEvent(s);
    EngineApi.serverMessage(s);
    Object v;
    try {
      v = JsonParser.parse(s);
    } catch (JsonParser.SyntaxException e) {
      return;
    }
    java.util.Map<String, Object> m = JsonParser.object(v);
    EngineReader.toContainer(m);
    EngineReader.toNetwork(m);
  }

  /** ss output from an SSH host: records, or an IllegalArgumentException that says which line. */
  @FuzzTest
  void ssListing(FuzzedDataProvider data) {
    String s = data.consumeRemainingAsString();
    SsListing.devices(s);
    try {
      SsListing.parse(s, name -> name.length());
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().startsWith("cannot read ss output")) {
        throw e;
      }
    }
  }

  @FuzzTest
  void elfHeader(byte[] bytes) {
    WebImageProbe.isStaticElf(bytes);
  }
}
