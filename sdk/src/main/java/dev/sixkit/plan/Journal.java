package dev.sixkit.plan;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sixkit.SixkitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of what the last apply changed, kept in a JSON file so undo() works from another
 * process too (./sixkit run ... undo). Stateless; callers serialise access per setup.
 */
public final class Journal {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * A step applied on a host.
   *
   * @param host the host's name
   * @param step what was applied there
   */
  public record Entry(String host, Step step) {}

  private Journal() {}

  /**
   * Where a setup's record lives.
   *
   * @param stateDir the state folder
   * @param setup the setup's name
   * @return STATE/SETUP/last-apply.json
   */
  public static Path file(String stateDir, String setup) {
    return Path.of(stateDir, setup, "last-apply.json");
  }

  /**
   * Saves the record with no reach information.
   *
   * @param file the record's file
   * @param setup the setup's name
   * @param entries the changes, in apply order
   */
  public static void save(Path file, String setup, List<Entry> entries) {
    save(file, setup, Map.of(), entries);
  }

  /**
   * Saves the record; {@code reached} says how each host was reached ("ssh root@docker2", "netns
   * lab-docker1").
   *
   * @param file the record's file; its folders are made
   * @param setup the setup's name
   * @param reached host name to how it was reached
   * @param entries the changes, in apply order
   */
  public static void save(Path file, String setup, Map<String, String> reached, List<Entry> entries) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("setup", setup);
    doc.put("written", Instant.now().toString());
    if (!reached.isEmpty()) {
      doc.put("hosts", reached);
    }
    List<Map<String, String>> steps = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("host", e.host());
      m.putAll(e.step().toMap());
      steps.add(m);
    }
    doc.put("steps", steps);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), doc);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SixkitException("record apply", file.toString(), e.toString(), e);
    }
  }

  /**
   * The entries recorded, or an empty list when there is no record.
   *
   * @param file the record's file
   * @return the entries in apply order, possibly empty
   */
  public static List<Entry> load(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      Map<String, Object> doc = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
      List<Entry> out = new ArrayList<>();
      Object steps = doc.get("steps");
      if (steps instanceof List<?> l) {
        for (Object o : l) {
          @SuppressWarnings("unchecked")
          Map<String, Object> raw = (Map<String, Object>) o;
          Map<String, String> m = new LinkedHashMap<>();
          raw.forEach((k, v) -> m.put(k, v == null ? null : v.toString()));
          out.add(new Entry(m.remove("host"), Step.fromMap(m)));
        }
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new SixkitException("read the record of the last apply", file.toString(), e.toString(), e);
    }
  }

  /**
   * Deletes the record, then its setup folder and the state folder when they are left empty.
   *
   * @param file the record's file
   */
  public static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
      // the setup's folder, then the state folder, when nothing else is left in them
      for (Path dir = file.getParent(), stop = dir.getParent().getParent(); dir != null && !dir.equals(stop);
          dir = dir.getParent()) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (var s = Files.list(dir)) {
          if (s.findAny().isPresent()) {
            break;
          }
        }
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new SixkitException("delete the record of the last apply", file.toString(), e.toString(), e);
    }
  }
}
