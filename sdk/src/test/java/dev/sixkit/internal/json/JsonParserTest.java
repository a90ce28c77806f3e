package dev.sixkit.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.internal.docker.EngineApi;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lean path's JSON reader: what the Engine sends, and what it must refuse. */
class JsonParserTest {

  @Test
  void readsEveryKindOfValue() {
    Map<String, Object> m = JsonParser.parseObject(
        " {\"s\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\",\"i\":-42,\"big\":1700000000123456789,"
            + "\"f\":1.5e3,\"t\":true,\"n\":null,\"a\":[1,[],{}],\"o\":{\"k\":\"v\"}} ");
    assertEquals("a\"b\\c/d\né\uD83D\uDE00", m.get("s"));
    assertEquals(-42L, m.get("i"));
    assertEquals(1700000000123456789L, m.get("big"));
    assertEquals(1500.0, m.get("f"));
    assertEquals(Boolean.TRUE, m.get("t"));
    assertTrue(m.containsKey("n"));
    assertNull(m.get("n"));
    assertEquals(Arrays.asList(1L, List.of(), Map.of()), m.get("a"));
    assertEquals(Map.of("k", "v"), m.get("o"));
    assertEquals(List.of("s", "i", "big", "f", "t", "n", "a", "o"), List.copyOf(m.keySet()), "member order kept");
  }

  @Test
  void navigationToleratesWhatIsAbsent() {
    Map<String, Object> m = JsonParser.parseObject("{\"Ports\":null,\"Num\":\"x\",\"Attr\":{\"a\":\"1\",\"b\":2}}");
    assertEquals(Map.of(), JsonParser.object(m, "Ports"));
    assertEquals(List.of(), JsonParser.array(m, "Missing"));
    assertEquals("", JsonParser.text(m, "Missing"));
    assertEquals(0L, JsonParser.number(m, "Num"));
    assertEquals(Map.of("a", "1"), JsonParser.strings(m, "Attr"), "non-string attribute values are skipped");
    assertEquals("64", JsonParser.text(JsonParser.parseObject("{\"n\":64}"), "n"));
  }

  @Test
  void numbersPastLongBecomeDoubles() {
    assertEquals(1.0E19, JsonParser.parse("10000000000000000000"));
    assertEquals(Long.MIN_VALUE, JsonParser.parse("-9223372036854775808"));
  }

  @Test
  void refusesWhatIsNotJsonAndSaysWhere() {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("", "unexpected end of input");
    bad.put("{", "expected a member name");
    bad.put("{\"a\" 1}", "expected ':'");
    bad.put("{\"a\":1,}", "expected a member name");
    bad.put("[1 2]", "expected ',' or ']'");
    bad.put("\"abc", "unterminated string");
    bad.put("\"a\u0001\"", "control character");
    bad.put("\"\\x\"", "bad escape");
    bad.put("\"\\u12\"", "truncated \\u escape");
    bad.put("\"\\u12zz\"", "bad \\u escape");
    bad.put("01", "unexpected text after the value");
    bad.put("-", "a number needs digits");
    bad.put("1.", "a fraction needs digits");
    bad.put("1e", "an exponent needs digits");
    bad.put("tru", "expected true");
    bad.put("{} x", "unexpected text after the value");
    bad.put("[".repeat(JsonParser.MAX_DEPTH + 2), "nested deeper than");
    bad.forEach((text, why) -> {
      JsonParser.SyntaxException e = assertThrows(JsonParser.SyntaxException.class, () -> JsonParser.parse(text), text);
      assertTrue(e.getMessage().contains(why) && e.getMessage().contains("at offset"), text + " -> " + e.getMessage());
    });
    assertTrue(assertThrows(JsonParser.SyntaxException.class, () -> JsonParser.parseObject("[]")).getMessage()
        .contains("expected a JSON object"));
  }

  @Test
  void engineErrorBodiesGiveTheEnginesWords() {
    assertEquals("No such container: nope", EngineApi.serverMessage("{\"message\":\"No such container: nope\"}\n"));
    assertEquals("plain text", EngineApi.serverMessage(" plain text "));
    assertEquals("{broken", EngineApi.serverMessage("{broken"));
  }
}
