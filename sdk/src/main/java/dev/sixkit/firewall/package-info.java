/**
 * A host's IPv6 packet filter, read ({@link dev.sixkit.firewall.Firewall#read}) and evaluated
 * offline ({@link dev.sixkit.firewall.Ruleset#verdict}): whether a forwarded packet to a container
 * gets through, and which rule or chain policy drops it (Docker 28's raw PREROUTING DROP, a
 * FORWARD policy of DROP...).
 */
package dev.sixkit.firewall;
