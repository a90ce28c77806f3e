package dev.sixkit.firewall;

import java.net.InetAddress;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The first packet of a connection being forwarded through a host: where it comes in, where the
 * route sends it, its destination and protocol. Conntrack state is NEW.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param inIface the interface it arrives on (the uplink, eth0)
 * @param outIface the interface the host's route sends it out of (docker0, br-...)
 * @param destination the destination address (a container's)
 * @param protocol "ipv6-icmp" (an echo request, as ping sends), "tcp" or "udp"
 * @param port the destination port for tcp and udp
 */
public record Packet(String inIface, String outIface, InetAddress destination, String protocol, OptionalInt port) {
  /**
   * Checks the components.
   *
   * @param inIface the incoming interface; not null
   * @param outIface the outgoing interface; not null
   * @param destination the destination; not null
   * @param protocol the protocol; not null
   * @param port the port; not null (empty for ICMPv6)
   * @throws NullPointerException if a component is null
   */
  public Packet {
    Objects.requireNonNull(inIface, "inIface");
    Objects.requireNonNull(outIface, "outIface");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(port, "port");
  }

  /**
   * An echo request (ping6).
   *
   * @param inIface the interface it arrives on
   * @param outIface the interface the route sends it out of
   * @param destination the address pinged
   * @return the packet
   */
  public static Packet ping(String inIface, String outIface, InetAddress destination) {
    return new Packet(inIface, outIface, destination, "ipv6-icmp", OptionalInt.empty());
  }

  /**
   * A TCP SYN to a port.
   *
   * @param inIface the interface it arrives on
   * @param outIface the interface the route sends it out of
   * @param destination the destination address
   * @param port the destination port, 1 to 65535
   * @return the packet
   */
  public static Packet tcp(String inIface, String outIface, InetAddress destination, int port) {
    return new Packet(inIface, outIface, destination, "tcp", OptionalInt.of(port));
  }

  @Override
  public String toString() {
    return protocol + (port.isPresent() ? " port " + port.getAsInt() : "") + " to "
        + new inet.ipaddr.IPAddressString(destination.getHostAddress()).getAddress().toCompressedString() + " in " + inIface + " out " + outIface;
  }
}
