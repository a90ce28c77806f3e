/**
 * Real Docker hosts on one machine, for tests, demos and benchmarks: each host a network namespace
 * with its own dockerd ({@link dev.sixkit.lab.DockerDaemon}), joined by an underlay, optionally
 * with an OpenSSH server ({@link dev.sixkit.lab.LabSsh}). Start at {@link dev.sixkit.lab.Lab}.
 * Needs root; everything a lab makes is named after it and removed by {@code down}, even after a
 * crash.
 */
package dev.sixkit.lab;
