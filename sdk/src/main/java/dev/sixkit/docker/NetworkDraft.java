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

  /**
   * The network driver (default "bridge").
   *
   * @param name a driver the Engine knows, such as bridge or macvlan
   * @return this draft
   */
  public NetworkDraft driver(String name) {
    this.driver = name;
    return this;
  }

  /**
   * Enables IPv6 on the network.
   *
   * @return this draft
   */
  public NetworkDraft ipv6() {
    this.ipv6 = true;
    return this;
  }

  /**
   * An IPAM pool; Docker picks the gateway.
   *
   * @param prefix a subnet such as fd00:1::/64 (an IPv4 subnet works the same way)
   * @return this draft
   */
  public NetworkDraft subnet(String prefix) {
    pools.add(new NetworkSpec.Pool(prefix, null));
    return this;
  }

  /**
   * An IPAM pool with its gateway.
   *
   * @param prefix a subnet such as fd00:1::/64
   * @param gateway the gateway address inside it, without prefix length
   * @return this draft
   */
  public NetworkDraft subnet(String prefix, String gateway) {
    pools.add(new NetworkSpec.Pool(prefix, gateway));
    return this;
  }

  /**
   * {@link #subnet(String)} for a prefix value.
   *
   * @param prefix an IPAddress with a prefix length; its block is used
   * @return this draft
   */
  public NetworkDraft subnet(inet.ipaddr.IPAddress prefix) {
    return subnet(prefix.toPrefixBlock().toCanonicalString());
  }

  /**
   * {@link #subnet(String, String)} for a prefix and gateway value.
   *
   * @param prefix an IPAddress with a prefix length; its block is used
   * @param gateway the gateway; a prefix length is ignored
   * @return this draft
   */
  public NetworkDraft subnet(inet.ipaddr.IPAddress prefix, inet.ipaddr.IPAddress gateway) {
    return subnet(prefix.toPrefixBlock().toCanonicalString(), gateway.withoutPrefixLength().toCanonicalString());
  }

  /**
   * A driver option, such as com.docker.network.bridge.name or
   * com.docker.network.bridge.gateway_mode_ipv6 (routed, on Docker 28).
   *
   * @param key the option's key
   * @param value its value
   * @return this draft
   */
  public NetworkDraft option(String key, String value) {
    options.put(key, value);
    return this;
  }

  /**
   * Creates the network.
   *
   * @return the network as the Engine reports it
   * @throws DockerException CONFLICT when the name is taken, BAD_REQUEST or FAILED when the Engine
   *     refuses the settings (an overlapping pool, an unknown driver)
   */
  public DockerNetwork create() {
    return engine.createNetwork(new NetworkSpec(name, driver, ipv6, pools, options));
  }
}
