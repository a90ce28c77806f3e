package dev.sixkit.lab;

/**
 * Receives progress lines while a lab comes up or goes down ("docker1: dockerd answering").
 * Called from the thread doing the work; implementations must be thread-safe if shared.
 */
@FunctionalInterface
public interface LabProgress {
  void step(String message);

  /** Progress that goes nowhere. */
  static LabProgress silent() {
    return m -> { };
  }
}
