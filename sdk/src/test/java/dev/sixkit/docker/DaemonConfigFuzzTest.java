package dev.sixkit.docker;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sixkit.SixkitException;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon.json and command-line readers take text Sixkit did not write: they may only throw
 * SixkitException. Without JAZZER_FUZZ=1 these run their seed corpus (resources
 * DaemonConfigFuzzTestInputs/METHOD/) as regression tests.
 */
class DaemonConfigFuzzTest {

  @FuzzTest
  void daemonJson(FuzzedDataProvider data) {
    try {
      DaemonConfig.fromDaemonJson(data.consumeRemainingAsString()).toString();
    } catch (SixkitException expected) {
      // bad input, named
    }
  }

  @FuzzTest
  void commandLine(FuzzedDataProvider data) {
    List<String> args = new ArrayList<>();
    while (data.remainingBytes() > 0 && args.size() < 32) {
      args.add(data.consumeString(64));
    }
    try {
      DaemonConfig.fromArgs(args).toString();
    } catch (SixkitException expected) {
      // bad input, named
    }
  }
}
