/**
 * A Docker host's kernel network state, read and written the same way whether the host is this
 * machine, a network namespace on it ({@link dev.sixkit.host.NetlinkHost}, through netlink) or a
 * remote machine over SSH ({@link dev.sixkit.host.SshHost}): interfaces, addresses, routes,
 * neighbour and NDP proxy entries, sysctls, listening sockets. Start at
 * {@link dev.sixkit.host.Host}.
 *
 * <p>Every write is idempotent and returns a {@link dev.sixkit.host.Change} saying what it did.
 * Errors are {@link dev.sixkit.netlink.NetlinkException} (with the kernel's extended-ACK text) for
 * hosts on this machine and {@link dev.sixkit.host.SshException} over SSH.
 */
package dev.sixkit.host;
