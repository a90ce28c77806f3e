package dev.sixkit.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Engine's image import (POST /images/create?fromSrc=-) with Dockerfile instructions ("changes"):
 * docker-java's CreateImageCmd cannot pass changes, so this one request goes through the transport
 * directly. Stateless; thread-safe.
 */
final class EngineImport {
  private static final Logger LOG = LoggerFactory.getLogger(EngineImport.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private EngineImport() {}

  /** Returns the image id; transport failures are thrown as they come, for the caller to translate. */
  static String importImage(DockerHttpClient http, String endpoint, String apiVersion, String reference,
      InputStream tar, List<String> changes) throws IOException {
    int slash = reference.lastIndexOf('/');
    int colon = reference.lastIndexOf(':');
    String repo = colon > slash ? reference.substring(0, colon) : reference;
    String tag = colon > slash ? reference.substring(colon + 1) : "latest";
    StringBuilder path = new StringBuilder("/v").append(apiVersion).append("/images/create?fromSrc=-&repo=")
        .append(EngineApi.enc(repo)).append("&tag=").append(EngineApi.enc(tag));
    for (String c : changes) {
      path.append("&changes=").append(EngineApi.enc(c));
    }
    DockerHttpClient.Request req = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.POST)
        .path(path.toString()).putHeader("Content-Type", "application/x-tar").body(tar).build();
    String body;
    int status;
    try (DockerHttpClient.Response r = http.execute(req)) {
      status = r.getStatusCode();
      body = new String(r.getBody().readAllBytes(), StandardCharsets.UTF_8);
    }
    if (status != 200) {
      throw new DockerException(status == 400 ? Reason.BAD_REQUEST : Reason.FAILED, endpoint, "import image",
          EngineApi.quote(reference), "the Engine answered " + status + ": " + EngineClient.serverMessage(body), null);
    }
    String id = null;
    for (String line : body.split("\\r?\\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        throw new DockerException(Reason.FAILED, endpoint, "import image", EngineApi.quote(reference),
            "unexpected answer: " + line, e);
      }
      if (n.hasNonNull("error")) {
        throw new DockerException(Reason.FAILED, endpoint, "import image", EngineApi.quote(reference),
            n.get("error").asText(), null);
      }
      if (n.hasNonNull("status") && n.get("status").asText().startsWith("sha256:")) {
        id = n.get("status").asText();
      }
    }
    if (id == null) {
      throw new DockerException(Reason.FAILED, endpoint, "import image", EngineApi.quote(reference),
          "the Engine did not report an image id: " + body.trim(), null);
    }
    LOG.debug("imported {} as {}", reference, id);
    return id;
  }
}
