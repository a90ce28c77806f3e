/**
 * Sixkit's SDK root: {@link dev.sixkit.SixkitException}, the one exception type every failure
 * extends (it names the operation and the object at fault). The API lives in the sub-packages:
 * {@code host} (a Docker host's kernel network state, here, in a namespace or over SSH),
 * {@code docker} (the Engine client), {@code plan}, {@code sync}, {@code doctor},
 * {@code firewall} and {@code lab}. {@code dev.sixkit.internal.*} is not API.
 */
package dev.sixkit;
