package dev.sixkit.lab;

/**
 * Receives progress lines while a lab comes up or goes down ("docker1: dockerd answering").
 * Called from the thread doing the work; implementations must be thread-safe if shared.
 */
@FunctionalInterface
public interface LabProgress {
  /**
   * One step done or begun.
   *
   * @param message a line without trailing newline, such as "docker1: dockerd answering"
   */
  void step(String message);

  /**
   * Progress that goes nowhere.
   *
   * @return a progress sink that drops every line
   */
  static LabProgress silent() {
    return m -> { };
  }
}
