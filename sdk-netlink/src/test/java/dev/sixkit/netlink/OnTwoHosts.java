package dev.sixkit.netlink;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class whose every test gets fresh {@link TwoHosts} and a client in host {@code a};
 * both are closed after the test (after the subclass's own @AfterEach), even when it fails.
 */
abstract class OnTwoHosts {
  private final String tag;
  TwoHosts hosts;
  Netlink nl;

  /** @param tag the start of the hosts' namespace names, unique to the test class */
  OnTwoHosts(String tag) {
    this.tag = tag;
  }

  @BeforeEach
  void openTwoHosts() {
    hosts = new TwoHosts(tag);
    nl = Netlink.open(hosts.a);
  }

  @AfterEach
  void closeTwoHosts() {
    if (nl != null) {
      nl.close();
    }
    if (hosts != null) {
      hosts.close();
    }
  }
}
