/**
 * A Docker Engine client for what the IPv6 recipes need: containers, networks and their addresses
 * as the Engine reports them (never derived from a MAC), the daemon's IPv6 settings, events, exec
 * and offline image import. Start at {@link dev.sixkit.docker.Docker}; every failure is a
 * {@link dev.sixkit.docker.DockerException} naming the endpoint and the object.
 */
package dev.sixkit.docker;
