package dev.sixkit.internal.docker;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;

/** docker-java's failures turned into {@link DockerException}s naming the endpoint and object. Stateless; thread-safe. */
final class EngineErrors {
  private EngineErrors() {}

  static DockerException translate(String endpoint, String operation, String object, Exception e) {
    if (e instanceof DockerException de) {
      return de;
    }
    if (e instanceof NotFoundException) {
      return new DockerException(Reason.NOT_FOUND, endpoint, operation, object, EngineApi.serverMessage(e.getMessage()), e);
    }
    if (e instanceof ConflictException) {
      return new DockerException(Reason.CONFLICT, endpoint, operation, object, EngineApi.serverMessage(e.getMessage()), e);
    }
    if (e instanceof BadRequestException) {
      return new DockerException(Reason.BAD_REQUEST, endpoint, operation, object, EngineApi.serverMessage(e.getMessage()), e);
    }
    if (e instanceof com.github.dockerjava.api.exception.DockerException) {
      return new DockerException(Reason.FAILED, endpoint, operation, object, EngineApi.serverMessage(e.getMessage()), e);
    }
    if (hasCause(e, IOException.class)) {
      return new DockerException(Reason.UNREACHABLE, endpoint, operation, object,
          "the Docker Engine does not answer: " + EngineApi.rootMessage(e), e);
    }
    return new DockerException(Reason.FAILED, endpoint, operation, object, EngineApi.rootMessage(e), e);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c) || c instanceof UncheckedIOException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
