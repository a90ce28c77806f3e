package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec alone, no kernel: encoding one proxy-entry request, and decoding a datagram of 100
 * proxy entries as a dump returns them. Shows the JVM side costs next to nothing beside the
 * kernel's per-entry work (see {@code ./sixkit bench netlink}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
  private InetAddress address;
  private ByteBuffer dump;
  private int dumpLength;

  @Setup
  public void setUp() throws Exception {
    address = InetAddress.getByName("2001:db8:ab11:0:8000:242:ac11:2");
    dump = ByteBuffer.allocateDirect(16 * 1024).order(ByteOrder.nativeOrder());
    for (int i = 0; i < 100; i++) {
      byte[] a = address.getAddress();
      a[15] = (byte) i;
      // What the kernel sends for a proxy entry: ndmsg plus NDA_DST.
      MessageWriter w = NeighbourCodec.header(NeighbourCodec.RTM_NEWNEIGH, 10, 3, 0, Neighbour.NTF_PROXY)
          .attrAddress(NeighbourCodec.NDA_DST, InetAddress.getByAddress(a));
      w.flags(Message.NLM_F_MULTI);
      dump.put(w.finish(i, 0));
    }
    dumpLength = dump.position();
  }

  @Benchmark
  public ByteBuffer encodeProxyAdd() {
    return NeighbourCodec.header(NeighbourCodec.RTM_NEWNEIGH, 10, 3, NudState.PERMANENT.bit(), Neighbour.NTF_PROXY)
        .attrAddress(NeighbourCodec.NDA_DST, address).finish(1, 0);
  }

  @Benchmark
  public List<Neighbour> decodeHundredProxyEntries() {
    List<Neighbour> out = new ArrayList<>(100);
    Message.forEach(dump, dumpLength, m -> out.add(NeighbourCodec.decode(m, i -> "eth0")));
    return out;
  }
}
