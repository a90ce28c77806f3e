/**
 * A JUnit 5 lab of Docker hosts in network namespaces: {@link dev.sixkit.junit.SixkitLab} on a test
 * class brings the lab up before its first test and takes it down after the last (also on failure
 * and SIGTERM), and injects {@code Lab}, {@code LabHost} and {@code Host} parameters, the hosts
 * chosen by {@link dev.sixkit.junit.HostName}. Needs root.
 */
package dev.sixkit.junit;
