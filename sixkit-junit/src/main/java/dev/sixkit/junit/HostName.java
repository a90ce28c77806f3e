package dev.sixkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which lab host a {@link dev.sixkit.host.Host} or {@link dev.sixkit.lab.LabHost} parameter is,
 * such as {@code @HostName("docker2")}. Without it: the parameter's name when the class was compiled
 * with {@code -parameters} and it names a host, else docker1.
 *
 * <p>An annotation: immutable, thread-safe.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HostName {
  /**
   * The host's name in the lab: docker1, docker2, ...
   *
   * @return the host's name, as {@code Lab.host(String)} takes it
   */
  String value();
}
