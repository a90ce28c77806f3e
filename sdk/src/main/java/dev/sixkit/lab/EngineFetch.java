package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a Docker engine from Debian's unstable suite without touching the system's apt or
 * Docker: a private apt state folder with a sources list for {@code unstable} built from the
 * machine's own mirror ({@link AptSources}), {@code apt-get update} and {@code apt-get download
 * docker.io containerd} there, {@code dpkg-deb -x} of both into a temporary folder, then one
 * atomic rename to {@code /var/lib/sixkit/engines/docker-VERSION}. A file lock makes parallel
 * JVMs fetch once; a folder that exists is complete (it is renamed into place only when whole).
 *
 * <p>Thread-safe: fetches are serialised within the JVM and across JVMs.
 */
final class EngineFetch {
  private static final Logger LOG = LoggerFactory.getLogger(EngineFetch.class);
  /** Where fetched engines live, one folder per version. */
  static final Path ROOT = Path.of("/var/lib/sixkit/engines");
  static final String SUITE = "unstable";
  static final List<String> PACKAGES = List.of("docker.io", "containerd");
  private static final String MARKER = "engine.properties";
  /** Within one JVM FileChannel.lock throws instead of waiting: threads queue here first. */
  private static final Object JVM_LOCK = new Object();

  private EngineFetch() {}

  /** The engine's folder, fetched first if no complete folder of its line exists. */
  static Engine.Install ensure(Engine engine, LabProgress progress) {
    return ensure(engine, progress, ROOT, EngineFetch::mirrors);
  }

  /** {@link #ensure(Engine, LabProgress)} into another folder and from other mirrors (tests). */
  static Engine.Install ensure(Engine engine, LabProgress progress, Path root,
      java.util.function.Supplier<List<AptSources.Entry>> mirrors) {
    Optional<Engine.Install> have = installed(engine, root);
    if (have.isPresent()) {
      return have.get();
    }
    synchronized (JVM_LOCK) {
      try {
        Files.createDirectories(root);
      } catch (IOException e) {
        throw fail(engine, "create " + root, e.toString());
      }
      try (FileChannel ch = FileChannel.open(root.resolve(".fetch.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
        have = installed(engine, root); // another JVM may have fetched it while we waited
        if (have.isPresent()) {
          return have.get();
        }
        return fetch(engine, progress, root, mirrors.get());
      } catch (IOException e) {
        throw fail(engine, "lock " + root.resolve(".fetch.lock"), e.toString());
      }
    }
  }

  /** The newest complete folder of the engine's line, if any. */
  static Optional<Engine.Install> installed(Engine engine) {
    return installed(engine, ROOT);
  }

  private static Optional<Engine.Install> installed(Engine engine, Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "docker-" + engine.name() + ".*")) {
      for (Path d : ds) {
        if (Files.isRegularFile(d.resolve(MARKER)) && Files.isExecutable(d.resolve("usr/sbin/dockerd"))) {
          dirs.add(d);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return dirs.stream().max(Comparator.comparing(EngineFetch::versionKey)).map(d -> install(engine, d));
  }

  private static String versionKey(Path dir) {
    StringBuilder sb = new StringBuilder();
    for (String part : dir.getFileName().toString().substring("docker-".length()).split("\\.")) {
      sb.append(String.format("%08d", parseIntOrZero(part)));
    }
    return sb.toString();
  }

  private static int parseIntOrZero(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Engine.Install install(Engine engine, Path dir) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve(MARKER))) {
      p.load(r);
    } catch (IOException e) {
      // the name says the version
    }
    String version = p.getProperty("version", dir.getFileName().toString().substring("docker-".length()));
    return new Engine.Install(engine, version, dir.resolve("usr/sbin/dockerd"),
        List.of(dir.resolve("usr/sbin"), dir.resolve("usr/bin")));
  }

  private static Engine.Install fetch(Engine engine, LabProgress progress, Path root, List<AptSources.Entry> mirrors) {
    long t0 = System.nanoTime();
    if (mirrors.isEmpty()) {
      throw fail(engine, "find a Debian mirror", "the machine's apt sources (/etc/apt/sources.list, "
          + "/etc/apt/sources.list.d/*.list and *.sources) name no Debian release suite with a main component;"
          + " add one, or set SIXKIT_ENGINE_MIRROR to a Debian mirror's URI");
    }
    for (String tool : List.of("apt-get", "dpkg-deb")) {
      if (!Lab.onPath(tool)) {
        throw fail(engine, "find " + tool, "no " + tool + " on PATH (Debian's apt and dpkg packages)");
      }
    }
    Path tmp;
    try {
      tmp = Files.createTempDirectory(root, ".fetch-");
    } catch (IOException e) {
      throw fail(engine, "create a folder under " + root, e.toString());
    }
    try {
      Path sources = tmp.resolve("sources.list");
      Path lists = tmp.resolve("lists");
      Path cache = tmp.resolve("cache");
      Path debs = tmp.resolve("debs");
      Path tree = tmp.resolve("tree");
      for (Path d : List.of(lists.resolve("partial"), cache.resolve("archives/partial"), debs, tree)) {
        Files.createDirectories(d);
      }
      List<String> apt = List.of("apt-get", "-q", "-o", "Dir::Etc::sourcelist=" + sources,
          "-o", "Dir::Etc::sourceparts=/nonexistent", "-o", "Dir::State::Lists=" + lists, "-o", "Dir::Cache=" + cache,
          "-o", "Dir::Etc::preferences=/nonexistent", "-o", "Dir::Etc::preferencesparts=/nonexistent",
          "-o", "APT::Sandbox::User=root");
      List<String> tried = new ArrayList<>();
      AptSources.Entry used = null;
      for (AptSources.Entry m : mirrors) {
        Files.writeString(sources, sourcesLine(m));
        progress.step("engine " + engine.name() + ": apt-get update of " + m.uri() + " " + SUITE
            + " in a private apt folder (the system's apt is untouched)");
        Result r = run(tmp, concat(apt, "update"));
        if (r.ok() && !r.output().contains("Err:")) {
          used = m;
          break;
        }
        tried.add(m.uri() + ": " + tail(r.output(), 3));
      }
      if (used == null) {
        throw fail(engine, "apt-get update of the " + SUITE + " suite", String.join("; ", tried));
      }
      progress.step("engine " + engine.name() + ": apt-get download " + String.join(" ", PACKAGES));
      Result dl = run(debs, concat(concat(apt, "download"), PACKAGES.toArray(String[]::new)));
      if (!dl.ok()) {
        throw fail(engine, "apt-get download " + String.join(" ", PACKAGES) + " from " + used.uri() + " " + SUITE,
            tail(dl.output(), 5));
      }
      String version = null;
      String packageVersions = "";
      try (Stream<Path> s = Files.list(debs)) {
        for (Path deb : s.sorted().toList()) {
          Result v = run(debs, List.of("dpkg-deb", "-f", deb.toString(), "Package", "Version"));
          packageVersions += v.output().replace("Package: ", "").replace("\nVersion: ", "=").trim() + " ";
          if (deb.getFileName().toString().startsWith("docker.io_")) {
            version = Engine.parseVersion("version " + v.output().replaceFirst("(?s).*Version:\\s*", "").trim());
          }
          Result x = run(debs, List.of("dpkg-deb", "-x", deb.toString(), tree.toString()));
          if (!x.ok()) {
            throw fail(engine, "dpkg-deb -x " + deb.getFileName(), tail(x.output(), 5));
          }
        }
      }
      if (version == null) {
        throw fail(engine, "apt-get download docker.io", "no docker.io package was downloaded");
      }
      if (!version.startsWith(engine.name() + ".")) {
        throw fail(engine, "check the version", SUITE + "'s docker.io is now " + version + ", not " + engine.name()
            + ".x; the lab does not know that engine yet");
      }
      if (!Files.isExecutable(tree.resolve("usr/sbin/dockerd")) || !Files.isExecutable(tree.resolve("usr/bin/containerd"))) {
        throw fail(engine, "unpack", "the packages hold no usr/sbin/dockerd or usr/bin/containerd");
      }
      Properties p = new Properties();
      p.setProperty("engine", engine.name());
      p.setProperty("version", version);
      p.setProperty("packages", packageVersions.trim());
      p.setProperty("mirror", used.uri() + " " + SUITE);
      p.setProperty("fetched", Instant.now().toString());
      try (Writer w = Files.newBufferedWriter(tree.resolve(MARKER), StandardCharsets.UTF_8)) {
        p.store(w, "Docker engine fetched by Sixkit for its lab; runs with the system's runc");
      }
      Path target = root.resolve("docker-" + version);
      if (Files.exists(target)) {
        deleteTree(root, target); // incomplete (no marker): a complete one would have been found first
      }
      Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
      long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
      progress.step("engine " + engine.name() + ": docker " + version + " ready in " + target + " (" + ms + " ms)");
      LOG.info("fetched Docker {} ({}) into {} in {} ms", version, packageVersions.trim(), target, ms);
      return install(engine, target);
    } catch (IOException e) {
      throw fail(engine, "write under " + root, e.toString());
    } finally {
      try {
        deleteTree(root, tmp);
      } catch (IOException e) {
        LOG.warn("cannot remove {}: {}", tmp, e.toString());
      }
    }
  }

  /** The mirror to use: SIXKIT_ENGINE_MIRROR if set, else the machine's own apt sources. */
  static List<AptSources.Entry> mirrors() {
    String env = System.getenv("SIXKIT_ENGINE_MIRROR");
    if (env != null && !env.isBlank()) {
      return List.of(new AptSources.Entry(env.trim(), List.of(SUITE), List.of("main"), Optional.empty()));
    }
    return AptSources.system().mirrorCandidates();
  }

  /** The one-line sources entry for the unstable suite of that mirror, with the mirror's keyring. */
  static String sourcesLine(AptSources.Entry mirror) {
    return "deb " + mirror.signedBy().map(k -> "[signed-by=" + k + "] ").orElse("") + mirror.uri() + " " + SUITE
        + " main\n";
  }

  private static SixkitException fail(Engine engine, String step, String detail) {
    return new SixkitException("fetch Docker engine", engine.name(), step + " failed: " + detail
        + " (nothing was installed; the system's Docker and apt are untouched)");
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  record Result(int code, String output) {
    boolean ok() {
      return code == 0;
    }
  }

  private static Result run(Path dir, List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after 10 minutes");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private static String tail(String text, int lines) {
    String[] all = text.strip().split("\n");
    return String.join(" | ", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }

  private static void deleteTree(Path engines, Path dir) throws IOException {
    if (!dir.startsWith(engines) || dir.equals(engines)) {
      throw new IllegalStateException("refusing to delete outside " + engines + ": " + dir);
    }
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
