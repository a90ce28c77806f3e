/**
 * Why a destination is or is not reachable from a host's containers: {@link dev.sixkit.doctor.Doctor}
 * checks the route, the neighbour and proxy entries, forwarding, the packet filter and the host
 * that owns the destination, both ways, and returns a {@link dev.sixkit.doctor.Diagnosis} with a
 * verdict, the checks and the fixes; {@link dev.sixkit.doctor.Exposure} says how the running
 * containers are exposed over IPv6 (global addresses, published ports and who answers them).
 * Everything here only reads.
 */
package dev.sixkit.doctor;
