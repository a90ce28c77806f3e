package dev.sixkit.internal.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The framing of pipelined HTTP answers read off an SSH channel (the Engine's two framings). */
class RemoteHttpTest {
  private static RemoteHttp.Reader reader(String wire) {
    return new RemoteHttp.Reader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)),
        System.nanoTime() + 5_000_000_000L);
  }

  @Test
  void pipelinedAnswersAreReadInOrderWhateverTheirFraming() throws IOException {
    RemoteHttp.Reader r = reader("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
        + "{\"Id\":\"abc\"}\n"
        + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[1,2,\r\n3;ext=1\r\n3]\n\r\n0\r\n\r\n"
        + "HTTP/1.1 404 Not Found\r\nContent-Length: 29\r\n\r\n{\"message\":\"No such network\"}");
    RemoteHttp.Answer a = r.answer();
    assertEquals(200, a.status());
    assertEquals("{\"Id\":\"abc\"}\n", a.body());
    RemoteHttp.Answer b = r.answer();
    assertEquals("[1,2,3]\n", b.body());
    RemoteHttp.Answer c = r.answer();
    assertEquals(404, c.status());
    assertEquals("{\"message\":\"No such network\"}", c.body());
  }

  @Test
  void anInterimAnswerIsSkippedAndABodyWithoutFramingRunsToTheEnd() throws IOException {
    RemoteHttp.Reader r = reader("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n{\"a\":1}");
    assertEquals("{\"a\":1}", r.answer().body());
  }

  @Test
  void aStreamThatEndsEarlyOrIsNotHttpFails() {
    assertThrows(EOFException.class, () -> reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}").answer());
    assertThrows(EOFException.class, () -> reader("").answer());
    assertThrows(IOException.class, () -> reader("SSH-2.0-OpenSSH\r\n\r\n").answer());
    assertThrows(IOException.class, () -> reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").answer());
  }
}
