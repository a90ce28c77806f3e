package dev.sixkit.junit;

import dev.sixkit.host.Host;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import java.lang.reflect.Parameter;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extension behind {@link SixkitLab}: brings the class's lab up before all its tests (or finds
 * the shared one), resolves {@link Lab}, {@link Host} and {@link LabHost} parameters, and takes the
 * lab down when the class ends (a shared lab: when the test run ends) through JUnit's store, which
 * closes what it holds also after failures. A JVM shutdown hook takes a lab down on SIGTERM or
 * Ctrl-C; after a kill -9 the next start removes the lab of the same name before bringing it up.
 * Hosts injected into a test are closed after it.
 *
 * <p>Stateless itself (all state lives in JUnit's stores); thread-safe as JUnit uses it: a shared
 * lab is made once under the store's lock, classes running in parallel share it.
 */
public final class SixkitLabExtension implements BeforeAllCallback, ParameterResolver {
  private static final Logger log = LoggerFactory.getLogger(SixkitLabExtension.class);
  private static final Namespace NS = Namespace.create(SixkitLabExtension.class);
  private static final String LAB = "lab";

  /** Created by JUnit from {@link SixkitLab}'s {@code @ExtendWith}. */
  public SixkitLabExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    // Up before the first test, so a lab that cannot come up fails the class's setup.
    labOf(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    Class<?> t = p.getParameter().getType();
    return t == Lab.class || t == Host.class || t == LabHost.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    Lab lab = labOf(context);
    Class<?> t = p.getParameter().getType();
    if (t == Lab.class) {
      return lab;
    }
    String host = hostName(p.getParameter(), lab);
    if (t == LabHost.class) {
      return lab.host(host);
    }
    Host h = lab.connect(host);
    // Closed with the context the parameter belongs to: after the test (or, for a constructor or
    // @BeforeAll parameter, after the class).
    context.getStore(NS).put(UUID.randomUUID(), new Closing("host " + host, h::close));
    return h;
  }

  private static String hostName(Parameter parameter, Lab lab) {
    HostName named = parameter.getAnnotation(HostName.class);
    if (named != null) {
      if (lab.hosts().stream().noneMatch(h -> h.name().equals(named.value()))) {
        throw new ParameterResolutionException("@HostName(\"" + named.value() + "\"): lab " + lab.name()
            + " has hosts " + lab.hosts().stream().map(LabHost::name).toList());
      }
      return named.value();
    }
    if (parameter.isNamePresent() && lab.hosts().stream().anyMatch(h -> h.name().equals(parameter.getName()))) {
      return parameter.getName();
    }
    return "docker1";
  }

  /** The lab of the test class the context belongs to; brought up (or found, if shared) on first use. */
  private static Lab labOf(ExtensionContext context) {
    LabRef ref = context.getStore(NS).get(LAB, LabRef.class); // looks in the enclosing contexts too
    if (ref != null) {
      return ref.lab();
    }
    Class<?> testClass = context.getRequiredTestClass();
    SixkitLab cfg = annotation(testClass).orElseThrow(() -> new ExtensionConfigurationException(
        testClass.getName() + " uses SixkitLabExtension without @SixkitLab"));
    ExtensionContext classContext = classContext(context);
    Lab lab;
    if (cfg.shared().isEmpty()) {
      OwnedLab owned = new OwnedLab(classLabName(testClass), cfg);
      classContext.getStore(NS).put("owner", owned);
      lab = owned.lab;
    } else {
      OwnedLab owned = context.getRoot().getStore(NS).getOrComputeIfAbsent("shared:" + cfg.shared(),
          k -> new OwnedLab(cfg.shared(), cfg), OwnedLab.class);
      if (owned.cfg.hosts() != cfg.hosts() || owned.cfg.mode() != cfg.mode() || owned.cfg.ssh() != cfg.ssh()
          || !owned.cfg.engine().equals(cfg.engine())) {
        throw new ExtensionConfigurationException("@SixkitLab(shared = \"" + cfg.shared() + "\") on "
            + testClass.getName() + " asks for " + describe(cfg) + "; the shared lab is " + describe(owned.cfg));
      }
      lab = owned.lab;
    }
    classContext.getStore(NS).put(LAB, new LabRef(lab));
    return lab;
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  private static Optional<SixkitLab> annotation(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) { // @Nested classes: the outer one's
      Optional<SixkitLab> a = AnnotationSupport.findAnnotation(c, SixkitLab.class);
      if (a.isPresent()) {
        return a;
      }
    }
    return Optional.empty();
  }

  /** The same name for the same class in every run, so a killed run's lab is found and removed. */
  static String classLabName(Class<?> testClass) {
    return "sxj" + String.format("%07x", testClass.getName().hashCode() & 0xfffffff);
  }

  private static String describe(SixkitLab cfg) {
    return cfg.hosts() + " hosts, " + cfg.mode() + (cfg.ssh() ? ", ssh" : "")
        + (cfg.engine().isEmpty() ? "" : ", engine " + cfg.engine());
  }

  /** The store's handle on a lab it must not close (the class's reference to its or a shared lab). */
  private record LabRef(Lab lab) {}

  /** A lab this extension brought up and takes down when its store closes (or the JVM ends). */
  @SuppressWarnings("deprecation") // CloseableResource: what JUnit before 5.13 closes
  private static final class OwnedLab implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final Lab lab;
    final SixkitLab cfg;
    private final AtomicBoolean down = new AtomicBoolean();
    private final Thread hook;

    OwnedLab(String name, SixkitLab cfg) {
      this.cfg = cfg;
      if (Lab.exists(name)) {
        // Left by a run that was killed before it could clean up.
        log.info("removing the stale lab {} of an earlier run", name);
        Lab.down(name, LabProgress.silent());
      }
      log.debug("bringing lab {} up: {}", name, describe(cfg));
      this.lab = Lab.builder().name(name).hosts(cfg.hosts()).mode(cfg.mode()).ssh(cfg.ssh())
          .engine(cfg.engine().isEmpty() ? dev.sixkit.lab.Engine.newest() : dev.sixkit.lab.Engine.of(cfg.engine())).up();
      this.hook = new Thread(this::takeDown, "sixkit-lab-down-" + name);
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
      takeDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook itself is running or ran: nothing to remove
      }
    }

    private void takeDown() {
      if (down.compareAndSet(false, true)) {
        log.debug("taking lab {} down", lab.name());
        Lab.down(lab.name(), LabProgress.silent());
      }
    }
  }

  /** Something to close with a context (an injected host). */
  @SuppressWarnings("deprecation")
  private record Closing(String what, AutoCloseable target) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() throws Exception {
      target.close();
    }
  }
}
