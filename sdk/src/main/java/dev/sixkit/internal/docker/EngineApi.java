package dev.sixkit.internal.docker;

import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerException.Reason;
import dev.sixkit.internal.json.JsonParser;

/**
 * What both Engine clients (docker-java's {@link EngineClient} and the lean {@link EngineReader})
 * agree on: endpoint syntax, the API versions Sixkit speaks and how one is chosen, and the
 * Engine's error text. Loads nothing beyond the JDK. Stateless; thread-safe.
 */
public final class EngineApi {
  /** The newest API version docker-java 3.7 knows; never ask for more than this. */
  public static final String CLIENT_MAX_API = "1.44";
  /** The oldest API version docker-java's requests are written for. */
  public static final String CLIENT_MIN_API = "1.24";

  private EngineApi() {}

  /** Normalises an endpoint: a bare path is a unix socket. */
  public static String normalize(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new DockerException(Reason.UNREACHABLE, String.valueOf(endpoint), "connect to Docker", "endpoint",
          "no endpoint given", null);
    }
    String e = endpoint.trim();
    if (e.startsWith("/")) {
      return "unix://" + e;
    }
    return e;
  }

  /** The socket path of a unix:// endpoint (normalised first), or null for any other scheme. */
  public static String unixSocket(String endpoint) {
    String e = normalize(endpoint);
    return e.startsWith("unix://") ? e.substring("unix://".length()) : null;
  }

  /**
   * Where a (normalised) endpoint is: a unix socket that exists, or a TCP host and port; anything
   * else is an UNREACHABLE failure that says what was expected.
   */
  public static java.net.SocketAddress address(String endpoint) {
    String path = unixSocket(endpoint);
    if (path != null) {
      java.nio.file.Path socket = java.nio.file.Path.of(path);
      if (!java.nio.file.Files.exists(socket)) {
        throw new DockerException(Reason.UNREACHABLE, endpoint, "connect to Docker", endpoint,
            "no socket at " + socket + " (is dockerd running?)", null);
      }
      return java.net.UnixDomainSocketAddress.of(socket);
    }
    java.net.URI uri;
    try {
      uri = java.net.URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new DockerException(Reason.UNREACHABLE, endpoint, "connect to Docker", endpoint,
          "not a valid endpoint (expected unix:///path or tcp://host:port)", e);
    }
    if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
      throw new DockerException(Reason.UNREACHABLE, endpoint, "connect to Docker", endpoint,
          "not a valid endpoint (expected unix:///path or tcp://host:port)", null);
    }
    String host = uri.getHost();
    return new java.net.InetSocketAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
        uri.getPort());
  }

  /** Compares "1.41" with "1.44" numerically. */
  public static int compareApi(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int xi = i < x.length ? Integer.parseInt(x[i]) : 0;
      int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
      if (xi != yi) {
        return Integer.compare(xi, yi);
      }
    }
    return 0;
  }

  /**
   * The version to speak: the lower of the Engine's and {@value #CLIENT_MAX_API}; a clear error
   * when the ranges do not meet.
   */
  public static String negotiate(String endpoint, String server, String serverMin) {
    if (server.isEmpty()) {
      throw new DockerException(Reason.UNREACHABLE, endpoint, "connect to Docker", endpoint,
          "GET /version did not report an ApiVersion: this does not look like a Docker Engine", null);
    }
    String negotiated = compareApi(server, CLIENT_MAX_API) < 0 ? server : CLIENT_MAX_API;
    if (compareApi(negotiated, CLIENT_MIN_API) < 0 || (!serverMin.isEmpty() && compareApi(negotiated, serverMin) < 0)) {
      throw new DockerException(Reason.UNSUPPORTED, endpoint, "connect to Docker", endpoint,
          "the Engine speaks API " + serverMin + " to " + server + ", this client " + CLIENT_MIN_API + " to "
              + CLIENT_MAX_API, null);
    }
    return negotiated;
  }

  /** The Engine's own words from an error body ({"message": "..."}), or the text as it is. */
  public static String serverMessage(String raw) {
    if (raw == null) {
      return "";
    }
    int brace = raw.indexOf('{');
    if (brace >= 0) {
      try {
        String m = JsonParser.text(JsonParser.parseObject(raw.substring(brace).trim()), "message");
        if (!m.isEmpty()) {
          return m.trim();
        }
      } catch (IllegalArgumentException ignored) {
        // not JSON: use the text as it is
      }
    }
    return raw.trim();
  }

  /** The reason an Engine status code stands for. */
  public static Reason reasonOf(int status) {
    return switch (status) {
      case 404 -> Reason.NOT_FOUND;
      case 409 -> Reason.CONFLICT;
      case 400 -> Reason.BAD_REQUEST;
      default -> Reason.FAILED;
    };
  }

  /** A name or id must be given; a clear error otherwise. */
  public static void requireName(String endpoint, String kind, String name) {
    if (name == null || name.isBlank()) {
      throw new DockerException(Reason.BAD_REQUEST, endpoint, "name " + kind, String.valueOf(name),
          "a " + kind + " name or id is required", null);
    }
  }

  /** The innermost cause as "Type: message", the part of a failure worth reading. */
  public static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  static String quote(String s) {
    return "'" + s + "'";
  }

  /** A path segment or query value, percent-encoded. */
  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The answer, or empty when the Engine says the object does not exist (NOT_FOUND); other failures go on. */
  public static <T> java.util.Optional<T> unlessNotFound(java.util.function.Supplier<T> read) {
    try {
      return java.util.Optional.of(read.get());
    } catch (DockerException e) {
      if (e.reason() == Reason.NOT_FOUND) {
        return java.util.Optional.empty();
      }
      throw e;
    }
  }
}
