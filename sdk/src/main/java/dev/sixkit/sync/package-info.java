/**
 * The NDP proxy sync: {@link dev.sixkit.sync.NdpProxySync} keeps one proxy entry on a host's uplink
 * for each container address inside the managed prefixes, following Docker's events and the
 * kernel's (entries deleted behind its back are restored), and owns only the entries it made
 * (protocol {@link dev.sixkit.netlink.Protocols#SIXKIT}). {@link dev.sixkit.sync.NdpPersistence}
 * writes the sysctl drop-in, the daemon.json keys and the systemd unit that make the setup survive
 * a reboot.
 */
package dev.sixkit.sync;
