package dev.sixkit.junit;

import dev.sixkit.plan.Mode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A lab of Docker hosts in network namespaces for a test class, as Testcontainers gives a container:
 * brought up before the class's first test, taken down after its last (also when a test or the
 * setup fails), and parameters of type {@link dev.sixkit.lab.Lab}, {@link dev.sixkit.host.Host}
 * (the host named by {@link HostName}) or {@link dev.sixkit.lab.LabHost} injected into
 * constructors, lifecycle methods and tests.
 *
 * <pre>{@code
 * <p>With {@link #shared()} classes naming the same lab use one lab, brought up by the first and
 * taken down when the test run ends. A lab left by a killed run (same name) is removed before the
 * next one comes up. Needs root (network namespaces, dockerd): without it the class fails, it is
 * never skipped.
 *
 * <p>An annotation: immutable, thread-safe.
 *
 * @SixkitLab(hosts = 2)
 * class ProxyTest {
 *   @Test
 *   void containersReachEachOther(Lab lab, @HostName("docker2") Host docker2) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SixkitLabExtension.class)
public @interface SixkitLab {
  /**
   * How many Docker hosts: docker1, docker2, ... (1 to 8).
   *
   * @return the number of Docker hosts, 1 to 8
   */
  int hosts() default 2;

  /**
   * How the hosts' Docker prefixes are laid out (the lab lays them out; the recipe is the test's).
   *
   * @return the prefix layout of the lab
   */
  Mode mode() default Mode.NDP_PROXY;

  /**
   * A lab name (1 to 10 lower-case letters and digits) shared by every class naming it, up for the
   * whole test run; empty (the default): a lab of this class alone, named after the class.
   *
   * @return the shared lab's name, or empty for a lab of this class alone
   */
  String shared() default "";

  /**
   * Also run an OpenSSH server in each host (for {@code Lab.connectSsh}).
   *
   * @return whether each host runs an OpenSSH server
   */
  boolean ssh() default false;

  /**
   * The Docker engine of the hosts ("20.10", "28"; see {@code Engine.known()}); empty (the
   * default): the newest the lab supports.
   *
   * @return the engine's version name, or empty for the lab's newest
   */
  String engine() default "";
}
