package dev.sixkit.dsl.groovy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytecode of script files compiled before, kept on disk so running the same script again
 * skips Groovy's parser and compiler (on a cold JVM they take about a second of CPU for a short
 * setup script; several seconds of wall time on a busy machine), as Python keeps .pyc files.
 *
 * <p>An entry is found by the SHA-256 of the script's name and text and of the jars that compile
 * and run it (Sixkit's, the SDK's and Groovy's: path, size and modification time), so an edited
 * script or a rebuilt Sixkit compiles afresh. The folder is {@code $SIXKIT_CACHE/scripts}, else
 * {@code $XDG_CACHE_HOME/sixkit/scripts} or {@code ~/.cache/sixkit/scripts}; it is created
 * private (0700) and used only when it belongs to this user and nobody else may write in it (a
 * cached class is code). {@code -Dsixkit.scriptCache=false} turns the cache off. Entries are
 * written to a temporary file and renamed, so processes running the same script at once never
 * read half an entry; an entry that cannot be read is compiled again.
 *
 * <p>Immutable; thread-safe.
 */
final class ScriptCache {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptCache.class);
  private static final int MAGIC = 0x53584b31; // "SXK1"

  /** A compiled script: its main (script) class name and every class's bytes by name. */
  record Compiled(String mainClass, Map<String, byte[]> classes) {}

  private final Path dir;
  private final String runtime;

  private ScriptCache(Path dir, String runtime) {
    this.dir = dir;
    this.runtime = runtime;
  }

  /** The cache of this user, or empty when it is turned off or its folder is not safe to use. */
  static Optional<ScriptCache> open() {
    if ("false".equals(System.getProperty("sixkit.scriptCache"))) {
      return Optional.empty();
    }
    Path dir = folder();
    if (dir == null) {
      return Optional.empty();
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (!isPrivate(dir)) {
        LOG.debug("script cache {} not used: not this user's, or others may write in it", dir);
        return Optional.empty();
      }
      return Optional.of(new ScriptCache(dir, runtime()));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      LOG.debug("script cache {} not used: {}", dir, e.toString());
      return Optional.empty();
    }
  }

  private static Path folder() {
    String own = System.getProperty("sixkit.cache", System.getenv("SIXKIT_CACHE"));
    if (own != null && !own.isBlank()) {
      return Path.of(own, "scripts");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "sixkit", "scripts");
    }
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "sixkit", "scripts");
  }

  private static boolean isPrivate(Path p) throws IOException {
    String me = System.getProperty("user.name");
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(me)
        && !perms.contains(PosixFilePermission.GROUP_WRITE) && !perms.contains(PosixFilePermission.OTHERS_WRITE);
  }

  /** What the compiled bytes depend on besides the script: the jars of Sixkit, the SDK and Groovy. */
  private static String runtime() {
    StringBuilder sb = new StringBuilder(groovy.lang.GroovySystem.getVersion()).append('\n');
    for (Class<?> c : new Class<?>[] {ScriptRunner.class, dev.sixkit.host.Host.class, groovy.lang.Script.class}) {
      try {
        Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        sb.append(jar).append(' ').append(Files.size(jar)).append(' ').append(Files.getLastModifiedTime(jar).toMillis());
      } catch (IOException | URISyntaxException | RuntimeException e) {
        sb.append(c.getName()).append(" unknown ").append(System.nanoTime()); // never matches: no reuse
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  String key(String fileName, String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(runtime.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(fileName.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The entry for a key, if one was stored and can be read whole. */
  Optional<Compiled> load(String key) {
    Path f = dir.resolve(key + ".classes");
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      if (!isPrivate(f)) {
        return Optional.empty();
      }
      try (InputStream raw = Files.newInputStream(f); DataInputStream in = new DataInputStream(raw)) {
        if (in.readInt() != MAGIC) {
          return Optional.empty();
        }
        String main = in.readUTF();
        int n = in.readInt();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          String name = in.readUTF();
          byte[] b = new byte[in.readInt()];
          in.readFully(b);
          classes.put(name, b);
        }
        return classes.containsKey(main) ? Optional.of(new Compiled(main, classes)) : Optional.empty();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("script cache entry {} not used: {}", f, e.toString());
      return Optional.empty();
    }
  }

  /** Stores an entry (best effort: a cache that cannot be written only costs the next compile). */
  void store(String key, Compiled c) {
    Path tmp = null;
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(MAGIC);
        out.writeUTF(c.mainClass());
        out.writeInt(c.classes().size());
        for (Map.Entry<String, byte[]> e : c.classes().entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue().length);
          out.write(e.getValue());
        }
      }
      tmp = Files.createTempFile(dir, key, ".tmp", PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, bytes.toByteArray());
      Path f = dir.resolve(key + ".classes");
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      LOG.debug("script cache: cannot store {}: {}", key, e.toString());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // a temporary file left behind is harmless
        }
      }
    }
  }

  /** Defines a compiled script's classes (lazily, as they are asked for) under {@code parent}. */
  static final class Loader extends ClassLoader {
    private final Map<String, byte[]> classes;

    Loader(ClassLoader parent, Map<String, byte[]> classes) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] b = classes.get(name);
      if (b == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, b, 0, b.length);
    }
  }
}
