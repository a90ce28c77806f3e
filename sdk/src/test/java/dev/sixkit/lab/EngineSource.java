package dev.sixkit.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a test once per Docker engine the lab supports ({@link Engine#known()}), the engine as its
 * one parameter:
 *
 * <pre>{@code
 * @EngineSource
 * void recipeWorks(Engine engine) {
 *   try (Lab lab = Lab.builder().engine(engine).name(...).up()) { ... }
 * }
 * }</pre>
 *
 * <p>For class-level parameterisation use {@link Engines#all()} with {@code @MethodSource}. Stateless;
 * thread-safe.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "engine {0}")
@ArgumentsSource(EngineSource.Provider.class)
public @interface EngineSource {
  /** The arguments: one per engine. */
  final class Provider implements ArgumentsProvider {
    @Override
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
      return Engines.all().stream().map(Arguments::of);
    }
  }
}
