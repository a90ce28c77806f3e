package dev.sixkit.dsl;

import dev.sixkit.plan.HostConnector;
import dev.sixkit.plan.HostEntry;
import dev.sixkit.plan.PlanException;
import dev.sixkit.plan.Planner;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.SixkitException;
import dev.sixkit.internal.ssh.SshTarget;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One host of a setup, as a script describes it inside {@code host('docker1') { ... }}: where it
 * is (one connector word: {@code local()}, {@code netns 'NAME'}, or any {@link HostConnector}),
 * its uplink, and optionally its underlay address, Docker endpoint, Docker prefix and the
 * containers to verify with.
 *
 * <pre>{@code
 * host('docker1') {
 *   netns 'lab-docker1'
 *   uplink 'eth0'
 *   docker 'unix:///run/sixkit/lab/lab/docker1/docker.sock'
 *   prefix '2001:db8:cd11::/64'       // routed mode: the host's Docker prefix
 *   network 'web6'                     // Docker 27+: an IPv6 network in routed gateway mode
 * }
 * }</pre>
 *
 * <p>Each word checks its value at once and fails with a {@link DslException} naming the script
 * line. Not thread-safe: one script fills it.
 */
public final class HostSpec {
  private static final Pattern IFNAME = Pattern.compile("[^/\\s:]{1,15}");
  private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}");
  private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  private final String name;
  private final StackTraceElement declaredAt;
  private HostConnector connector;
  private String uplink;
  private String address;
  private String docker;
  private String prefix;
  private final List<String> web = new ArrayList<>();
  private final List<dev.sixkit.plan.NetworkEntry> networks = new ArrayList<>();

  HostSpec(String name, StackTraceElement declaredAt) {
    this.name = name;
    this.declaredAt = declaredAt;
  }

  /**
   * The host's name in the setup.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * {@code local()}: the host is this machine.
   *
   * @return this host
   * @throws DslException when the host already has a place
   */
  @Word(value = "local()", help = "the host is this machine")
  public HostSpec local() {
    return connector(HostConnector.local());
  }

  /**
   * {@code netns 'NAME'}: the host is a network namespace of this machine ({@code ip netns}).
   *
   * @param namespace the namespace's name
   * @return this host
   * @throws DslException when the name is invalid or the host already has a place
   */
  @Word(value = "netns 'NAME'", help = "the host is a network namespace of this machine (ip netns)")
  public HostSpec netns(String namespace) {
    if (namespace == null || !NETNS.matcher(namespace).matches()) {
      throw new DslException("host " + name + ": '" + namespace + "' is not a network namespace name");
    }
    return connector(HostConnector.netns(namespace));
  }

  /**
   * {@code ssh 'root@docker2'}: the host is reached over SSH, with default options.
   *
   * @param target {@code user@host[:port]}
   * @return this host
   * @throws DslException when the target is invalid or the host already has a place
   */
  @Word(value = "ssh 'root@docker2'", help = "the host is reached over SSH (user@host[:port]); options in a block: identity, knownHosts, port, dockerSocket, trustOnFirstUse()")
  public HostSpec ssh(String target) {
    return ssh(target, null);
  }

  /**
   * {@code ssh('root@docker2') { identity '...'; knownHosts '...' }}: the block's words are {@link
   * SshSpec}'s.
   *
   * @param target {@code user@host[:port]}
   * @param body the ssh block, or null for defaults
   * @return this host
   * @throws DslException when the target or a block word is wrong, or the host already has a place
   */
  public HostSpec ssh(String target, Consumer<SshSpec> body) {
    try {
      SshTarget.parse(target, "root", 22);
    } catch (SixkitException e) {
      throw new DslException("host " + name + ": ssh '" + target + "': " + e.getMessage());
    }
    SshSpec s = new SshSpec(name);
    if (body != null) {
      body.accept(s);
    }
    return connector(new SshConnector(target, s.options()));
  }

  /**
   * {@code connector CONNECTOR}: any other way to reach the host.
   *
   * @param c the connector
   * @return this host
   * @throws DslException when {@code c} is null or the host already has a place
   */
  @Word(value = "connector CONNECTOR", help = "any other way to reach the host (a HostConnector)")
  public HostSpec connector(HostConnector c) {
    if (c == null) {
      throw new DslException("host " + name + ": the connector is null");
    }
    if (connector != null) {
      throw new DslException("host " + name + " is already reached as " + connector.describe()
          + "; a host has one place (local(), netns 'NAME', ssh 'root@HOST', ...)");
    }
    this.connector = c;
    return this;
  }

  /**
   * {@code uplink 'eth0'}: the interface facing the other hosts (required).
   *
   * @param ifname the interface name, 1 to 15 characters
   * @return this host
   * @throws DslException when the name is not an interface name
   */
  @Word(value = "uplink 'eth0'", help = "the interface facing the other hosts (required)")
  public HostSpec uplink(String ifname) {
    if (ifname == null || !IFNAME.matcher(ifname).matches()) {
      throw new DslException("host " + name + ": '" + ifname + "' is not an interface name (1 to 15 characters, no '/', ':' or blanks)");
    }
    this.uplink = ifname;
    return this;
  }

  /**
   * {@code address '2001:db8:ab11::1'}: the host's own address on the underlay (read from the uplink when
   * left out).
   *
   * @param underlayAddress the IPv6 address
   * @return this host
   * @throws DslException when it is no IPv6 address
   */
  @Word(value = "address '2001:db8:ab11::1'", help = "the host's own address on the underlay (read from the uplink when left out)")
  public HostSpec address(String underlayAddress) {
    try {
      IPv6Address a = Prefixes.address(underlayAddress);
      this.address = a.toCanonicalString();
    } catch (PlanException e) {
      throw new DslException("host " + name + ": " + e.getMessage().replaceFirst("^plan: ", ""));
    }
    return this;
  }

  /**
   * {@code docker 'unix:///path/docker.sock'}: the host's Docker endpoint (default: DOCKER_HOST, else
   * /var/run/docker.sock).
   *
   * @param endpoint unix:///path, /path, tcp://host:port or ssh://...
   * @return this host
   * @throws DslException when it is no Docker endpoint
   */
  @Word(value = "docker 'unix:///path/docker.sock'", help = "the host's Docker endpoint (default: DOCKER_HOST or /var/run/docker.sock on this machine)")
  public HostSpec docker(String endpoint) {
    if (endpoint == null || !(endpoint.startsWith("unix://") || endpoint.startsWith("/") || endpoint.startsWith("tcp://")
        || endpoint.startsWith("ssh://"))) {
      throw new DslException("host " + name + ": '" + endpoint + "' is not a Docker endpoint (unix:///path, /path or tcp://host:port)");
    }
    this.docker = endpoint;
    return this;
  }

  /**
   * {@code prefix '2001:db8:cd11::/64'}: the host's Docker prefix (routed mode: required; NDP proxy: instead
   * of the split).
   *
   * @param dockerPrefix the IPv6 prefix
   * @return this host
   * @throws DslException when it is no IPv6 prefix or longer than {@link
   * dev.sixkit.plan.Planner#MAX_DOCKER_PREFIX_LENGTH}
   */
  @Word(value = "prefix '2001:db8:cd11::/64'", help = "the host's Docker prefix (routed mode: required; NDP proxy: instead of the split)")
  public HostSpec prefix(String dockerPrefix) {
    IPv6Address p;
    try {
      p = Prefixes.prefix(dockerPrefix);
    } catch (PlanException e) {
      throw new DslException("host " + name + ": " + e.getMessage().replaceFirst("^plan: ", ""));
    }
    if (p.getPrefixLength() > Planner.MAX_DOCKER_PREFIX_LENGTH) {
      throw new DslException("host " + name + ": the Docker prefix " + Prefixes.text(p) + " is longer than /"
          + Planner.MAX_DOCKER_PREFIX_LENGTH + " (Docker derives container addresses from 48-bit MACs)");
    }
    this.prefix = Prefixes.text(p);
    return this;
  }

  /**
   * {@code web 'web1', 'web2'}: the containers verify() tests with (default: every running container in the
   * host's Docker prefix).
   *
   * @param containers container names
   * @return this host
   * @throws DslException when one is not a container name
   */
  @Word(value = "web 'web1', 'web2'", help = "the containers verify() tests with (default: every running container in the host's Docker prefix)")
  public HostSpec web(String... containers) {
    for (String c : containers) {
      if (c == null || !CONTAINER.matcher(c).matches()) {
        throw new DslException("host " + name + ": '" + c + "' is not a container name");
      }
      web.add(c);
    }
    return this;
  }

  /**
   * {@code network 'NAME'}: an IPv6 Docker network in routed gateway mode that apply() creates (Docker 27+)
   * on the upper half of the host's Docker prefix; undo() removes it once empty.
   *
   * @param networkName the network's name
   * @return this host
   * @throws DslException when the name is not a Docker network name
   */
  @Word(value = "network 'NAME'", help = "an IPv6 Docker network in routed gateway mode that apply() creates (Docker 27+; subnet: the upper half of the host's Docker prefix, or network 'NAME', 'SUBNET' inside it); undo() removes it once empty; verify() tests with its containers")
  public HostSpec network(String networkName) {
    return network(networkName, null);
  }

  /**
   * {@code network 'web6', '2001:db8:cd11::8000/65'}: a declared network with its own subnet (inside the
   * host's prefix).
   *
   * @param networkName the network's name
   * @param subnet the IPv6 subnet, or null for the upper half of the host's prefix
   * @return this host
   * @throws DslException when the name or subnet is wrong
   */
  public HostSpec network(String networkName, String subnet) {
    dev.sixkit.plan.NetworkEntry n;
    try {
      n = new dev.sixkit.plan.NetworkEntry(networkName, subnet);
    } catch (PlanException | NullPointerException e) {
      throw new DslException("host " + name + ": network '" + networkName + "': "
          + String.valueOf(e.getMessage()).replaceFirst("^plan: ", ""));
    }
    if (networks.stream().anyMatch(x -> x.name().equals(n.name()))) {
      throw new DslException("host " + name + ": network '" + networkName + "' is declared twice");
    }
    networks.add(n);
    return this;
  }

  /** Fails when the block does not say where the host is or which uplink it has. */
  void requireComplete() {
    if (connector == null) {
      throw new DslException("host " + name + " does not say where it is: add netns 'NAME', ssh 'root@HOST' or local() to its block");
    }
    if (uplink == null) {
      throw new DslException("host " + name + " has no uplink: add uplink 'eth0' (the interface facing the other hosts) to its block");
    }
  }

  /** Checks what the block must have said; called when the block ends. */
  HostEntry build() {
    requireComplete();
    return new HostEntry(name, connector, uplink, address, docker, prefix, web, DslException.where(declaredAt),
        networks);
  }

  StackTraceElement declaredAt() {
    return declaredAt;
  }
}
