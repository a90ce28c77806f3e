package dev.sixkit.internal.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the remote shell's frames are cut out of a stream that arrives in pieces. */
class RemoteShellSinkTest {
  private static final String TOKEN = "SX0123456789abcdef0123456789abcdef";

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void outputEndsAtItsOwnMarkerWhateverItHolds() {
    RemoteShell.Sink out = new RemoteShell.Sink();
    // output without a final newline, a marker of another shell, and one of a later sequence number
    String first = "no newline at the end SXfake 1 0\n" + TOKEN + " 2 0\nstill output";
    String frames = first + "\n" + TOKEN + " 1 3\n" + "\n" + TOKEN + " 2 0\n";
    for (byte x : b(frames)) { // byte by byte, as a slow link may deliver it
      out.write(new byte[] {x}, 0, 1);
    }
    long deadline = System.nanoTime() + 1_000_000_000L;
    assertArrayEquals(b(first), out.take("\n" + TOKEN + " 1 ", deadline));
    assertEquals(3, out.takeStatus());
    assertArrayEquals(new byte[0], out.take("\n" + TOKEN + " 2 ", deadline));
    assertEquals(0, out.takeStatus());
  }

  @Test
  void stderrMarkerHasNoStatus() {
    RemoteShell.Sink err = new RemoteShell.Sink();
    err.write(b("ip: oops\n\n" + TOKEN + " 7\n"), 0, ("ip: oops\n\n" + TOKEN + " 7\n").length());
    assertArrayEquals(b("ip: oops\n"), err.take("\n" + TOKEN + " 7\n", System.nanoTime() + 1_000_000L));
  }

  @Test
  void aMissingMarkerTimesOutAndAnEndedStreamGivesUp() {
    RemoteShell.Sink out = new RemoteShell.Sink();
    out.write(b("partial"), 0, 7);
    assertNull(out.take("\n" + TOKEN + " 1 ", System.nanoTime() + 20_000_000L));
    out.end();
    assertNull(out.take("\n" + TOKEN + " 1 ", System.nanoTime() + 10_000_000_000L));
  }
}
