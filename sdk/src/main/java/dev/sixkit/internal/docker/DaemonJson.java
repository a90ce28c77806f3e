package dev.sixkit.internal.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.SixkitException;
import java.util.Optional;

/** A parsed daemon.json: typed look-ups of the keys Sixkit reads. Immutable; thread-safe. */
public final class DaemonJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode root;

  private DaemonJson(JsonNode root) {
    this.root = root;
  }

  public static DaemonJson parse(String text) {
    if (text == null || text.isBlank()) {
      return new DaemonJson(JSON.createObjectNode());
    }
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.isObject()) {
        throw new SixkitException("read daemon.json", null, "the document is not a JSON object");
      }
      return new DaemonJson(n);
    } catch (JsonProcessingException e) {
      throw new SixkitException("read daemon.json", null, "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  public Optional<Boolean> bool(String key) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isBoolean()) {
      throw new SixkitException("read daemon.json", "key \"" + key + "\"", "expected true or false, found " + n);
    }
    return Optional.of(n.booleanValue());
  }

  public Optional<String> string(String key) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw new SixkitException("read daemon.json", "key \"" + key + "\"", "expected a string, found " + n);
    }
    return Optional.of(n.textValue());
  }
}
