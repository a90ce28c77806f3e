package dev.sixkit.firewall;

import java.net.InetAddress;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The first packet of a connection being forwarded through a host: where it comes in, where the
 * route sends it, its destination and protocol. Conntrack state is NEW.
 *
 * @param inIface the interface it arrives on (the uplink, eth0)
 * @param outIface the interface the host's route sends it out of (docker0, br-...)
 * @param destination the destination address (a container's)
 * @param protocol "ipv6-icmp" (an echo request, as ping sends), "tcp" or "udp"
 * @param port the destination port for tcp and udp
 *
 * <p>Immutable record; thread-safe.
 */
public record Packet(String inIface, String outIface, InetAddress destination, String protocol, OptionalInt port) {
  public Packet {
    Objects.requireNonNull(inIface, "inIface");
    Objects.requireNonNull(outIface, "outIface");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(port, "port");
  }

  /** An echo request (ping6). */
  public static Packet ping(String inIface, String outIface, InetAddress destination) {
    return new Packet(inIface, outIface, destination, "ipv6-icmp", OptionalInt.empty());
  }

  /** A TCP SYN to a port. */
  public static Packet tcp(String inIface, String outIface, InetAddress destination, int port) {
    return new Packet(inIface, outIface, destination, "tcp", OptionalInt.of(port));
  }

  @Override
  public String toString() {
    return protocol + (port.isPresent() ? " port " + port.getAsInt() : "") + " to "
        + new inet.ipaddr.IPAddressString(destination.getHostAddress()).getAddress().toCompressedString() + " in " + inIface + " out " + outIface;
  }
}
