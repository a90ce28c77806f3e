package dev.sixkit.sync;

import java.net.InetAddress;

/** What the sync's worker is asked to do. Immutable records; thread-safe. */
sealed interface SyncTask {
  /** A full reconcile; {@code docker}: re-read Docker's containers (else the kernel side only). */
  record Full(String reason, boolean docker) implements SyncTask {}

  /** A container started, restarted, paused or unpaused: read it again from the Engine's list (no lock wait). */
  record ContainerChanged(String id) implements SyncTask {}

  /**
   * A container was connected to a network: read its endpoint there from the network (no container
   * lock). Docker connects a container's networks while starting it, before the start event, so
   * its entry can be in place before it runs.
   */
  record ContainerConnected(String id, String networkId) implements SyncTask {}

  /** The answer to an endpoint read: the container's address on that network, if any. */
  record EndpointRead(String id, String networkId, long generation, java.util.Optional<InetAddress> address)
      implements SyncTask {}

  /** The answer to a container's list read, made off the worker; applied unless a die, disconnect or newer answer came since. */
  record ContainerRead(String id, long generation, java.util.Optional<dev.sixkit.docker.Container> container)
      implements SyncTask {}

  /** A container died or was destroyed: its entries go at once, from what the sync knows (no inspect). */
  record ContainerGone(String id) implements SyncTask {}

  /** A container was disconnected from one network: that network's entry goes (no inspect). */
  record ContainerLeft(String id, String networkId) implements SyncTask {}

  /** A Docker network was created or destroyed: the managed prefixes may follow. */
  record NetworksChanged(String reason) implements SyncTask {}

  /** The kernel left a solicited-node group on the uplink: an entry may be gone. */
  record GroupLeft(InetAddress group) implements SyncTask {}

  record Stop() implements SyncTask {}
}
