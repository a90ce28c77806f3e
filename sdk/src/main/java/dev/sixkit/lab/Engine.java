package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine the lab can run in its hosts. Two are known:
 *
 * <ul>
 *   <li>{@code 20.10}: the machine's own docker.io (Debian bookworm, API 1.41), installed by apt;
 *   <li>{@code 28}: Debian unstable's docker.io 28.x and containerd 2.x, fetched on first use
 *       into a versioned folder under {@link EngineFetch#ROOT} (never installed over the
 *       system's Docker; the system's runc is used), see {@link EngineFetch}.
 * </ul>
 *
 * <p>New labs get {@link #newest()}. Immutable record; thread-safe.
 *
 * @param name the name users give ({@code --engine 28})
 * @param summary one line saying what it is and where it comes from
 */
public record Engine(String name, String summary) {
  /** The system's docker.io (apt). */
  public static final Engine V20_10 = new Engine("20.10", "the system's docker.io 20.10 (apt-get install docker.io)");
  /** Debian unstable's docker.io 28.x, fetched into /var/lib/sixkit/engines on first use. */
  public static final Engine V28 = new Engine("28",
      "Debian unstable's docker.io 28.x with containerd 2.x, fetched on first use into " + EngineFetch.ROOT);

  /**
   * Checks the components.
   *
   * @param name the engine's name; not null
   * @param summary its one-line description; not null
   * @throws NullPointerException if either is null
   */
  public Engine {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(summary, "summary");
  }

  /**
   * Every engine the lab supports, oldest first.
   *
   * @return {@link #V20_10} and {@link #V28}
   */
  public static List<Engine> known() {
    return List.of(V20_10, V28);
  }

  /**
   * The newest engine the lab supports: the default for new labs.
   *
   * @return {@link #V28}
   */
  public static Engine newest() {
    return V28;
  }

  /**
   * The engine of that name ("20.10", "28"; a full version such as "28.5.2" or "20.10.24" names
   * its line too).
   *
   * @param name the name or a version, case and surrounding blanks ignored
   * @return the engine
   * @throws SixkitException naming the known engines when there is none of that name
   */
  public static Engine of(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (Engine e : known()) {
      if (n.equals(e.name) || n.startsWith(e.name + ".")) {
        return e;
      }
    }
    throw new SixkitException("choose Docker engine", String.valueOf(name), "the lab knows the engines "
        + String.join(", ", known().stream().map(Engine::name).toList()) + " (default " + newest().name() + ")");
  }

  /**
   * Whether this is the machine's own docker.io rather than a fetched one.
   *
   * @return true for {@link #V20_10}
   */
  public boolean system() {
    return this.equals(V20_10);
  }

  /**
   * The engine ready to run: the system's dockerd (checked to be this line), or the fetched
   * folder, fetching it first when it is not there yet. Safe to call from parallel JVMs: one
   * fetches, the others wait and use its folder.
   *
   * @param progress where fetch steps are reported
   * @return the dockerd to run and its PATH folders
   * @throws SixkitException when the system's dockerd is missing or of another line, or the fetch
   *     fails (it says which step); nothing is changed then
   */
  public Install install(LabProgress progress) {
    if (!system()) {
      return EngineFetch.ensure(this, progress);
    }
    if (!Lab.onPath("dockerd")) {
      throw new SixkitException("use Docker engine", name, "no dockerd on PATH: apt-get install -y docker.io");
    }
    String version = dockerdVersion(Path.of("dockerd"));
    if (!version.startsWith(name + ".")) {
      throw new SixkitException("use Docker engine", name, "the system's dockerd is " + version + ", not " + name
          + ".x; use --engine " + (version.startsWith("28.") ? "28" : newest().name()));
    }
    return new Install(this, version, Path.of("dockerd"), List.of());
  }

  /** The version a dockerd executable reports ("Docker version 28.5.2+dfsg4, build ..." gives 28.5.2). */
  static String dockerdVersion(Path dockerd) {
    try {
      Process p = new ProcessBuilder(dockerd.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new SixkitException("read dockerd version", dockerd.toString(), out);
      }
      return parseVersion(out);
    } catch (IOException e) {
      throw new SixkitException("read dockerd version", dockerd.toString(), e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SixkitException("read dockerd version", dockerd.toString(), "interrupted", e);
    }
  }

  /** "Docker version 20.10.24+dfsg1, build 5d6db84" gives "20.10.24". */
  static String parseVersion(String versionLine) {
    String s = versionLine.replaceFirst("(?s)^.*?version\\s+", "");
    return s.replaceFirst("[+,~\\-\\s].*$", "");
  }

  /**
   * An engine ready to start: the dockerd to run and the folders that go first on its PATH (so
   * its containerd, shims and docker-proxy are found; the system's runc comes after them).
   *
   * <p>Immutable record; thread-safe.
   *
   * @param engine the engine line
   * @param version the dockerd version (28.5.2)
   * @param dockerd the executable
   * @param binDirs folders put first on dockerd's PATH (empty for the system's engine)
   */
  public record Install(Engine engine, String version, Path dockerd, List<Path> binDirs) {
    /**
     * Copies the folder list.
     *
     * @param engine the engine line
     * @param version the dockerd version
     * @param dockerd the executable
     * @param binDirs the PATH folders; not null
     * @throws NullPointerException if {@code binDirs} is null
     */
    public Install {
      binDirs = List.copyOf(binDirs);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
