package dev.sixkit.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a word of the setup language, with how it is written: the console completes
 * these words and shows the usage, and an error about a word quotes it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Word {
  /**
   * How the word is written, such as {@code uplink 'eth0'}.
   *
   * @return the word as written in a script
   */
  String value();

  /**
   * What it means, in a few words.
   *
   * @return the help text, or "" for none
   */
  String help() default "";
}
