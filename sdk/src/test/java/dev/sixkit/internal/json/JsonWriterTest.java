package dev.sixkit.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JsonWriter lays daemon.json out as Jackson's pretty printer did (Jackson is the witness here). */
class JsonWriterTest {
  private static final ObjectMapper JACKSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Test
  void writesWhatJacksonWritesForDaemonJsonFiles() throws Exception {
    for (String text : List.of("{}", "{\"ipv6\":true,\"fixed-cidr-v6\":\"2001:db8:ab11:0:8000::/66\"}",
        "{\"log-driver\":\"json-file\",\"log-opts\":{\"max-size\":\"10m\",\"max-file\":\"3\"},\"dns\":[\"2001:db8::53\","
            + "\"127.0.0.53\"],\"mtu\":1500,\"experimental\":false,\"default-address-pools\":[{\"base\":\"fd00:1::/48\","
            + "\"size\":64}],\"labels\":[],\"x\":null,\"quote\":\"a\\\"b\\\\c\\n\\u0001é\",\"ratio\":1.5}")) {
      assertEquals(JACKSON.writeValueAsString(JACKSON.readTree(text)), JsonWriter.pretty(JsonParser.parse(text)), text);
    }
  }

  @Test
  void roundTrips() {
    Map<String, Object> m = JsonParser.parseObject("{\"a\":[1,2.5,\"x\",{\"b\":null}],\"c\":{}}");
    assertEquals(m, JsonParser.parse(JsonWriter.pretty(m)));
  }

  @Test
  void refusesWhatJsonCannotSay() {
    assertThrows(IllegalArgumentException.class, () -> JsonWriter.pretty(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> JsonWriter.pretty(new Object()));
  }
}
