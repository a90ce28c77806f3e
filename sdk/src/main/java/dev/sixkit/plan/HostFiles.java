package dev.sixkit.plan;

import dev.sixkit.SixkitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files of a host, for the settings a setup persists (sysctl.d, daemon.json, an ip batch
 * file). A namespace host shares this machine's files; a remote host brings its own
 * implementation with its {@link HostConnector}.
 *
 * <p>Implementations are thread-safe.
 */
public interface HostFiles {
  /**
   * The text of a file, or empty when there is none.
   *
   * @param path an absolute path
   * @return the text, or empty
   */
  Optional<String> read(String path);

  /**
   * Writes a file whole (its folders are made as needed).
   *
   * @param path an absolute path
   * @param text the whole new content
   */
  void write(String path, String text);

  /**
   * Deletes a file; nothing when there is none.
   *
   * @param path an absolute path
   */
  void delete(String path);

  /**
   * This machine's files.
   *
   * @return the files of the machine this JVM runs on
   */
  static HostFiles local() {
    return LocalFiles.INSTANCE;
  }

  /** This machine's file system. Stateless; thread-safe. */
  final class LocalFiles implements HostFiles {
    static final LocalFiles INSTANCE = new LocalFiles();

    private LocalFiles() {}

    @Override
    public Optional<String> read(String path) {
      Path p = Path.of(path);
      try {
        return Files.exists(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
      } catch (IOException e) {
        throw new SixkitException("read file", path, e.toString(), e);
      }
    }

    @Override
    public void write(String path, String text) {
      Path p = Path.of(path);
      try {
        if (p.getParent() != null) {
          Files.createDirectories(p.getParent());
        }
        Path tmp = p.resolveSibling(p.getFileName() + ".sixkit-tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        // a reader sees the old or the new file, never half of one
        Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new SixkitException("write file", path, e.toString(), e);
      }
    }

    @Override
    public void delete(String path) {
      try {
        Files.deleteIfExists(Path.of(path));
      } catch (IOException e) {
        throw new SixkitException("delete file", path, e.toString(), e);
      }
    }
  }
}
