package dev.sixkit.lab;

/**
 * One lab host as laid out: its namespace, its underlay and management addresses, its Docker
 * prefix and endpoint, and its web container.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param name host name (docker1)
 * @param index 1-based position
 * @param netns network namespace name (LAB-docker1)
 * @param uplink the underlay interface inside the host (eth0)
 * @param underlayAddress the host's address on the underlay (2001:db8:ab11::1)
 * @param managementAddress the host's ULA on its management link (reachable from the root namespace)
 * @param rootManagementLink the management link's interface in the root namespace
 * @param dockerPrefix the --fixed-cidr-v6 of its daemon
 * @param dockerEndpoint the daemon's socket (unix:///run/sixkit/lab/LAB/HOST/docker.sock)
 * @param webContainer the web container's name (web1)
 */
public record LabHost(String name, int index, String netns, String uplink, String underlayAddress,
    String managementAddress, String rootManagementLink, String dockerPrefix, String dockerEndpoint,
    String webContainer) {}
