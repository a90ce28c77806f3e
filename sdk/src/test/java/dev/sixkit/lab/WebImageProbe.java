package dev.sixkit.lab;

/** Lets tests in other packages reach WebImage's package-private ELF check. */
public final class WebImageProbe {
  private WebImageProbe() {}

  public static boolean isStaticElf(byte[] b) {
    return WebImage.isStaticElf(b);
  }
}
