package dev.sixkit.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.host.SshException;
import dev.sixkit.internal.iproute.IpErrors;
import dev.sixkit.internal.iproute.IpJson;
import dev.sixkit.internal.ssh.KnownHosts;
import dev.sixkit.internal.ssh.RemoteInput;
import dev.sixkit.internal.ssh.SshTarget;
import dev.sixkit.netlink.NetlinkException;
import java.util.List;
import java.util.Map;

/**
 * What an SSH host hands back is outside input: ip's JSON and error text from a machine that may
 * be broken or hostile, and the targets and known_hosts patterns people type. The parsers may
 * only fail the documented way (NetlinkException for ip's output, SshException for targets);
 * matching and error reading never fail. Seeds (real ip output of a namespace with a bridge, a
 * veth without carrier, dynamic and labelled addresses, multipath and blackhole routes, proxy
 * and router neighbours) in SshInputFuzzTestInputs/METHOD/.
 */
class SshInputFuzzTest {

  @FuzzTest
  void ipJson(FuzzedDataProvider data) {
    boolean v6 = data.consumeBoolean();
    String text = data.consumeRemainingAsString();
    try {
      for (JsonNode v : IpJson.values(text, "fuzz")) {
        Map<String, Integer> idx = IpJson.indexes(IpJson.links(v));
        IpJson.addresses(v);
        IpJson.routes(v, v6, idx);
        IpJson.neighbours(v, idx);
        if (v.isArray() && v.size() > 0) {
          IpJson.route(v.get(0), v6, idx);
        }
      }
      IpJson.array(text, "fuzz");
    } catch (NetlinkException expected) {
      // malformed output is reported as EBADMSG
    }
  }

  @FuzzTest
  void sshTarget(String text) {
    try {
      SshTarget t = SshTarget.parse(text, "root", 22);
      // whatever is accepted re-parses to itself and holds nothing a shell would act on
      SshTarget again = SshTarget.parse(t.toString(), "nobody", 1);
      if (!again.equals(t)) {
        throw new IllegalStateException(t + " re-parsed as " + again);
      }
      for (char c : t.toString().toCharArray()) {
        if (" ;|&$`'\"\\<>()*?!{}#~\n\t".indexOf(c) >= 0) {
          throw new IllegalStateException("accepted '" + c + "' in " + t);
        }
      }
    } catch (SshException expected) {
      // refused before anything is sent
    }
  }

  @FuzzTest
  void knownHostsField(FuzzedDataProvider data) {
    String name = data.consumeString(100);
    String field = data.consumeRemainingAsString();
    KnownHosts.hostMatches(field, name);
  }

  @FuzzTest
  void ipErrors(String stderr) {
    IpErrors.failedLine(stderr);
    IpErrors.toException(stderr, "add route", "2001:db8::/64", "on fuzz").getMessage();
  }

  @FuzzTest
  void remoteInput(String text) {
    for (Runnable r : List.<Runnable>of(() -> RemoteInput.ifname("t", text),
        () -> RemoteInput.sysctlPath("t", text, "read sysctl"), () -> RemoteInput.sysctlValue("t", "k", text),
        () -> RemoteInput.socketPath("t", text))) {
      try {
        r.run();
      } catch (SshException | NetlinkException expected) {
        // refused
      }
    }
  }
}
