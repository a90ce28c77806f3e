package dev.sixkit.internal.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerException.Reason;
import dev.sixkit.host.ExecResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Docker exec for {@link EngineClient}: run a command in a container, collect its output and exit code. Stateless; thread-safe. */
final class EngineExec {
  private EngineExec() {}

  static ExecResult exec(EngineClient engine, String container, List<String> command, Duration timeout) {
    String endpoint = engine.endpoint();
    DockerClient client = engine.client();
    if (command.isEmpty()) {
      throw new DockerException(Reason.BAD_REQUEST, endpoint, "exec in container", EngineApi.quote(container),
          "no command given", null);
    }
    InspectContainerResponse c = engine.inspect(container);
    String what = EngineApi.quote(container) + " (" + String.join(" ", command) + ")";
    String execId = engine.call("exec in container", what, () -> client.execCreateCmd(c.getId()).withCmd(command.toArray(String[]::new))
        .withAttachStdout(true).withAttachStderr(true).withAttachStdin(false).withTty(false).exec().getId());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ResultCallback.Adapter<Frame> cb = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame f) {
        synchronized (this) {
          switch (f.getStreamType()) {
            case STDERR -> err.writeBytes(f.getPayload());
            default -> out.writeBytes(f.getPayload());
          }
        }
      }
    };
    boolean done = engine.call("exec in container", what, () -> {
      try {
        return client.execStartCmd(execId).withDetach(false).withTty(false).exec(cb)
            .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DockerException(Reason.FAILED, endpoint, "exec in container", what, "interrupted", e);
      }
    });
    if (!done) {
      EngineClient.closeQuietly(cb);
      throw new DockerException(Reason.TIMEOUT, endpoint, "exec in container", what,
          "no exit after " + timeout.toSeconds() + " s", null);
    }
    EngineClient.closeQuietly(cb);
    Long code = engine.call("exec in container", what, () -> client.inspectExecCmd(execId).exec().getExitCodeLong());
    String o;
    String e;
    synchronized (cb) {
      o = out.toString(StandardCharsets.UTF_8);
      e = err.toString(StandardCharsets.UTF_8);
    }
    return new ExecResult(code == null ? -1 : code.intValue(), o, e);
  }
}
