/**
 * The setup language in plain Java: {@link dev.sixkit.dsl.Setup#of} takes a description written with
 * the words of {@link dev.sixkit.dsl.SetupSpec}, {@link dev.sixkit.dsl.HostSpec},
 * {@link dev.sixkit.dsl.SshSpec} and {@link dev.sixkit.dsl.PersistSpec}, checks it, and then plans,
 * applies, undoes and verifies it through the SDK's {@link dev.sixkit.plan.SetupEngine}. A wrong
 * word or value fails with a {@link dev.sixkit.dsl.DslException} naming the caller's line before
 * anything is read or changed. Groovy scripts use the same words through
 * {@code dev.sixkit.dsl.groovy}.
 */
package dev.sixkit.dsl;
