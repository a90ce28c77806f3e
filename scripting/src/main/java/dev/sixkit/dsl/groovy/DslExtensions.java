package dev.sixkit.dsl.groovy;

import dev.sixkit.dsl.HostSpec;
import dev.sixkit.dsl.PersistSpec;
import dev.sixkit.dsl.SetupSpec;
import dev.sixkit.dsl.SshSpec;
import groovy.lang.Closure;
import groovy.lang.DelegatesTo;

/**
 * The Groovy layer over the Java core: Closure overloads of the block words, registered as a
 * Groovy extension module (META-INF/groovy), so a script writes {@code host('docker1') { uplink
 * 'eth0' }} and an IDE completes the words inside the block from {@link DelegatesTo}.
 *
 * <p>Stateless; thread-safe.
 */
public final class DslExtensions {
  private DslExtensions() {}

  /**
   * {@code host('docker1') { netns '...'; uplink 'eth0' }}: the block's words are {@link HostSpec}'s.
   *
   * @param self the setup being described
   * @param name the host's name
   * @param body the host block
   * @return {@code self}
   * @throws dev.sixkit.dsl.DslException when the name is invalid or taken, or a word in the block is wrong
   */
  public static SetupSpec host(SetupSpec self, String name,
      @DelegatesTo(value = HostSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
    return self.host(name, h -> call(body, h));
  }

  /**
   * {@code ssh('root@docker2') { identity '...' }}: the block's words are {@link SshSpec}'s.
   *
   * @param self the host being described
   * @param target {@code user@host[:port]}
   * @param body the ssh block
   * @return {@code self}
   * @throws dev.sixkit.dsl.DslException when the target or a word in the block is wrong
   */
  public static HostSpec ssh(HostSpec self, String target,
      @DelegatesTo(value = SshSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
    return self.ssh(target, o -> call(body, o));
  }

  /**
   * {@code persist { root '/var/lib/sixkit/{host}' }}: the block's words are {@link PersistSpec}'s.
   *
   * @param self the setup being described
   * @param body the persist block
   * @return {@code self}
   * @throws dev.sixkit.dsl.DslException when a word in the block is wrong
   */
  public static SetupSpec persist(SetupSpec self,
      @DelegatesTo(value = PersistSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
    return self.persist(p -> call(body, p));
  }

  /**
   * {@code mode routed} in a script named routed.groovy: there the word names the script's own
   * class, which Groovy finds before the script's {@code routed} property. Take it by its name.
   *
   * @param self the setup being described
   * @param named the script class that the word resolved to
   * @return {@code self}
   * @throws dev.sixkit.dsl.DslException when the class's name is no mode
   */
  public static SetupSpec mode(SetupSpec self, Class<?> named) {
    return self.mode(named.getSimpleName());
  }

  /** Runs a block with its words resolved on {@code delegate} first, as Gradle does. */
  static void call(Closure<?> body, Object delegate) {
    if (body == null) {
      return;
    }
    Closure<?> c = (Closure<?>) body.clone();
    c.setDelegate(delegate);
    c.setResolveStrategy(Closure.DELEGATE_FIRST);
    c.call(delegate);
  }
}
