package dev.sixkit.netlink;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Round trips through the real kernel (needs root): one proxy entry added and deleted again on a
 * veth in a namespace of its own, a link lookup, and a dump of 1,000 proxy entries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelRoundTripBench {
  private String name;
  private Netlink nl;
  private int eth0;
  private InetAddress probe;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    name = "sxt-jmh-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    nl = Netlink.open(Netns.create(name));
    nl.links().veth("eth0").peer("eth1").create();
    eth0 = nl.links().index("eth0");
    byte[] a = InetAddress.getByName("2001:db8:ab11:0:8000::").getAddress();
    for (int i = 0; i < 1000; i++) {
      a[14] = (byte) (i >> 8);
      a[15] = (byte) i;
      nl.neighbours().proxy(InetAddress.getByAddress(a)).dev(eth0).add();
    }
    probe = InetAddress.getByName("2001:db8:ab11:0:c000::1");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    nl.close();
    Netns.delete(name);
  }

  @Benchmark
  public void proxyAddAndDelete() {
    var entry = nl.neighbours().proxy(probe).dev(eth0);
    entry.add();
    entry.delete();
  }

  @Benchmark
  public Link linkByName() {
    return nl.links().get("eth0");
  }

  @Benchmark
  public List<Neighbour> dumpThousandProxyEntries() {
    return nl.neighbours().proxies().dev("eth0").list();
  }
}
