package dev.sixkit.docker;

import dev.sixkit.internal.docker.EngineClient;
import dev.sixkit.internal.docker.NetworkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network being described before {@link #create()}: reached through {@code
 * docker.newNetwork(name)}. Bridge driver unless told otherwise.
 *
 * <p>Not thread-safe: build it in one thread.
 */
public final class NetworkDraft {
  private final EngineClient engine;
  private final String name;
  private String driver = "bridge";
  private boolean ipv6;
  private final List<NetworkSpec.Pool> pools = new ArrayList<>();
  private final Map<String, String> options = new LinkedHashMap<>();

  NetworkDraft(EngineClient engine, String name) {
    this.engine = engine;
    this.name = name;
  }

  public NetworkDraft driver(String name) {
    this.driver = name;
    return this;
  }

  /** Enables IPv6 on the network. */
  public NetworkDraft ipv6() {
    this.ipv6 = true;
    return this;
  }

  /** An IPAM pool; Docker picks the gateway. */
  public NetworkDraft subnet(String prefix) {
    pools.add(new NetworkSpec.Pool(prefix, null));
    return this;
  }

  public NetworkDraft subnet(String prefix, String gateway) {
    pools.add(new NetworkSpec.Pool(prefix, gateway));
    return this;
  }

  /** {@link #subnet(String)} for a prefix value (an IPAddress with a prefix length). */
  public NetworkDraft subnet(inet.ipaddr.IPAddress prefix) {
    return subnet(prefix.toPrefixBlock().toCanonicalString());
  }

  /** {@link #subnet(String, String)} for a prefix and gateway value. */
  public NetworkDraft subnet(inet.ipaddr.IPAddress prefix, inet.ipaddr.IPAddress gateway) {
    return subnet(prefix.toPrefixBlock().toCanonicalString(), gateway.withoutPrefixLength().toCanonicalString());
  }

  /** A driver option, such as com.docker.network.bridge.name. */
  public NetworkDraft option(String key, String value) {
    options.put(key, value);
    return this;
  }

  public DockerNetwork create() {
    return engine.createNetwork(new NetworkSpec(name, driver, ipv6, pools, options));
  }
}
