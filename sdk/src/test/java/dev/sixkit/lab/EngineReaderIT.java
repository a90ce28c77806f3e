package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerEvent;
import dev.sixkit.docker.DockerException;
import dev.sixkit.internal.docker.EngineApi;
import dev.sixkit.internal.docker.EngineReader;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lean reader the NDP sync uses against a real dockerd, with docker-java as the witness: the
 * same containers, networks and events, field for field, and the same kinds of failure.
 */
class EngineReaderIT {
  private static Lab lab;
  private static String endpoint;
  private static Docker docker;
  private static EngineReader reader;

  @BeforeAll
  static void up() {
    Root.require();
    lab = Lab.builder().engine(Engine.V20_10).name("sxer" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)))
        .hosts(1).mode(Mode.NDP_PROXY).up();
    endpoint = lab.host("docker1").dockerEndpoint();
    docker = Docker.connect(endpoint);
    reader = EngineReader.open(endpoint);
  }

  @AfterAll
  static void down() {
    if (docker != null) {
      docker.close();
    }
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
      assertFalse(Lab.exists(lab.name()), "lab removed");
    }
  }

  @Test
  void speaksTheSameApiVersionAsDockerJava() {
    assertEquals(docker.apiVersion(), reader.apiVersion());
  }

  @Test
  void containersAndNetworksAreTheSameRecordsDockerJavaReads() {
    docker.newNetwork("sxer-v6").ipv6().subnet("fd00:e1::/64", "fd00:e1::1").create();
    try {
      docker.newContainer("sxer-pub").image(WebImage.REFERENCE).command(WebImage.command("pub").toArray(String[]::new))
          .publish(8081, 80).publish("::1", 8082, 80, "udp").stopTimeout(Duration.ofSeconds(1)).start();
      docker.connectNetwork("sxer-v6", "sxer-pub");
      docker.newContainer("sxer-created").image(WebImage.REFERENCE).command(WebImage.command("c").toArray(String[]::new))
          .create(); // never started: no addresses
      List<Container> viaReader = reader.containers();
      assertEquals(docker.containers(), viaReader);
      Container pub = reader.container("sxer-pub");
      assertEquals(docker.container("sxer-pub"), pub);
      // the parts the sync relies on, read back independently of both clients' mapping
      assertEquals(List.of("bridge", "sxer-v6"), pub.networks().stream().map(n -> n.network()).toList());
      assertTrue(pub.ipv6("sxer-v6").orElseThrow().toCanonicalString().startsWith("fd00:e1::"), pub.toString());
      assertTrue(pub.ports().size() >= 2, pub.ports().toString());
      assertEquals("created", reader.container("sxer-created").state());
      // the sync's lock-free reads: the list's view of one container, a network's view of one endpoint
      Container listed = reader.listedContainer(pub.id()).orElseThrow();
      assertEquals(List.of(pub.id(), pub.name(), pub.state(), pub.networks(), pub.ports()),
          List.of(listed.id(), listed.name(), listed.state(), listed.networks(), listed.ports()));
      assertTrue(reader.listedContainer("0".repeat(64)).isEmpty());
      String v6net = pub.networks().stream().filter(n -> n.network().equals("sxer-v6")).findFirst().orElseThrow().networkId();
      assertEquals(pub.ipv6("sxer-v6"), reader.endpointIpv6(v6net, pub.id()));
      assertTrue(reader.endpointIpv6(v6net, "0".repeat(64)).isEmpty());
      assertEquals(docker.networks(), reader.networks());
    } finally {
      docker.removeIfExists("sxer-pub");
      docker.removeIfExists("sxer-created");
      docker.removeNetwork("sxer-v6");
    }
  }

  @Test
  void eventsAreTheSameDockerJavaSees() throws Exception {
    List<DockerEvent> lean = new CopyOnWriteArrayList<>();
    List<DockerEvent> witness = new CopyOnWriteArrayList<>();
    CountDownLatch leanDone = new CountDownLatch(1);
    CountDownLatch witnessDone = new CountDownLatch(1);
    DockerEvent.Stream a = reader.events(null, collect(lean, leanDone));
    DockerEvent.Stream b = docker.events(collect(witness, witnessDone));
    try {
      assertTrue(a.isOpen());
      Thread.sleep(200); // docker-java subscribes asynchronously; the lean stream is open when events() returns
      docker.newNetwork("sxer-ev").ipv6().subnet("fd00:e2::/64").create();
      Container c = docker.newContainer("sxer-ev1").image(WebImage.REFERENCE).command(WebImage.command("ev").toArray(
          String[]::new)).stopTimeout(Duration.ofSeconds(1)).start();
      docker.connectNetwork("sxer-ev", "sxer-ev1");
      docker.disconnectNetwork("sxer-ev", "sxer-ev1");
      docker.remove("sxer-ev1");
      docker.removeNetwork("sxer-ev");
      assertTrue(leanDone.await(20, TimeUnit.SECONDS), "lean stream saw the network destroyed: " + lean);
      assertTrue(witnessDone.await(20, TimeUnit.SECONDS), "docker-java saw the network destroyed: " + witness);
      assertEquals(witness, lean);
      List<String> forContainer = new ArrayList<>();
      for (DockerEvent e : lean) {
        if (e.containerId().filter(c.id()::equals).isPresent()) {
          forContainer.add(e.type() + " " + e.action());
        }
      }
      for (String expected : List.of("container start", "network connect", "network disconnect", "container die",
          "container destroy")) {
        assertTrue(forContainer.contains(expected), expected + " in " + forContainer);
      }
    } finally {
      a.close();
      b.close();
      docker.removeIfExists("sxer-ev1");
      docker.findNetwork("sxer-ev").ifPresent(n -> docker.removeNetwork(n.id()));
    }
    assertFalse(a.isOpen(), "closed by the caller");
  }

  private static DockerEvent.Listener collect(List<DockerEvent> into, CountDownLatch done) {
    return new DockerEvent.Listener() {
      @Override
      public void onEvent(DockerEvent e) {
        if (e.type().equals("container") && e.attributes().getOrDefault("name", "").startsWith("sxer-ev")
            || e.type().equals("network") && e.attributes().getOrDefault("name", "").equals("sxer-ev")) {
          into.add(e);
          if (e.type().equals("network") && e.action().equals("destroy")) {
            done.countDown();
          }
        }
      }
    };
  }

  @Test
  void aStreamClosedByTheCallerEndsWithoutACause() throws Exception {
    AtomicReference<Optional<Throwable>> end = new AtomicReference<>();
    CountDownLatch ended = new CountDownLatch(1);
    DockerEvent.Stream s = reader.events(null, new DockerEvent.Listener() {
      @Override
      public void onEvent(DockerEvent event) {}

      @Override
      public void onEnd(Optional<Throwable> cause) {
        end.set(cause);
        ended.countDown();
      }
    });
    s.close();
    assertTrue(ended.await(5, TimeUnit.SECONDS));
    assertEquals(Optional.empty(), end.get());
  }

  @Test
  void failuresNameTheObjectAndCarryTheEnginesWords() {
    DockerException e = assertThrows(DockerException.class, () -> reader.container("sxer-nope"));
    assertEquals(DockerException.Reason.NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("'sxer-nope'") && e.getMessage().contains("No such container"), e.getMessage());
    assertTrue(e.getMessage().contains(endpoint), e.getMessage());
    assertEquals(Optional.empty(), reader.findContainer("sxer-nope"));
    assertEquals(DockerException.Reason.BAD_REQUEST, assertThrows(DockerException.class, () -> reader.container(" "))
        .reason());

    DockerException none = assertThrows(DockerException.class, () -> EngineReader.open("unix:///run/sxer-no.sock"));
    assertEquals(DockerException.Reason.UNREACHABLE, none.reason());
    assertTrue(none.getMessage().contains("no socket at /run/sxer-no.sock"), none.getMessage());
    assertTrue(EngineReader.supports("tcp://[::1]:2375"));
    assertFalse(EngineReader.supports("ssh://root@docker2"));
    assertTrue(EngineReader.supports("/run/docker.sock"));
    DockerException refused = assertThrows(DockerException.class, () -> EngineReader.open("tcp://[::1]:1"));
    assertEquals(DockerException.Reason.UNREACHABLE, refused.reason());
    assertTrue(refused.getMessage().contains("tcp://[::1]:1") && refused.getMessage().contains("refused"),
        refused.getMessage());
    assertEquals(DockerException.Reason.UNREACHABLE,
        assertThrows(DockerException.class, () -> EngineReader.open("tcp://nohostport")).reason());
    assertEquals("/run/docker.sock", EngineApi.unixSocket("/run/docker.sock"));
  }

  /**
   * An Engine on plain TCP (dockerd -H tcp://...): the lab's daemon behind a byte relay on [::1],
   * read exactly as over its unix socket, events included.
   */
  @Test
  void readsAnEngineOverPlainTcp() throws Exception {
    try (ServerSocketChannel relay = ServerSocketChannel.open()) {
      relay.bind(new java.net.InetSocketAddress("::1", 0));
      Thread t = new Thread(() -> relayToEngine(relay), "sxer-relay");
      t.setDaemon(true);
      t.start();
      String tcp = "tcp://[::1]:" + ((java.net.InetSocketAddress) relay.getLocalAddress()).getPort();
      EngineReader overTcp = EngineReader.open(tcp);
      assertEquals(reader.apiVersion(), overTcp.apiVersion());
      assertEquals(docker.containers(), overTcp.containers());
      CountDownLatch started = new CountDownLatch(1);
      DockerEvent.Stream s = overTcp.events(null, new DockerEvent.Listener() {
        @Override
        public void onEvent(DockerEvent e) {
          if (e.action().equals("start") && e.attributes().getOrDefault("name", "").equals("sxer-tcp")) {
            started.countDown();
          }
        }
      });
      try {
        docker.newContainer("sxer-tcp").image(WebImage.REFERENCE).command(WebImage.command("tcp").toArray(String[]::new))
            .stopTimeout(Duration.ofSeconds(1)).start();
        assertTrue(started.await(10, TimeUnit.SECONDS), "the start event came over TCP");
      } finally {
        s.close();
        docker.removeIfExists("sxer-tcp");
      }
    }
  }

  /** Copies bytes both ways between each TCP connection and the Engine's unix socket. */
  private static void relayToEngine(ServerSocketChannel relay) {
    while (relay.isOpen()) {
      try {
        SocketChannel client = relay.accept();
        SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(EngineApi.unixSocket(endpoint)));
        pump(client, engine);
        pump(engine, client);
      } catch (IOException e) {
        return; // relay closed
      }
    }
  }

  private static void pump(SocketChannel from, SocketChannel to) {
    Thread t = new Thread(() -> {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 * 1024);
      try {
        while (from.read(b) >= 0) {
          b.flip();
          while (b.hasRemaining()) {
            to.write(b);
          }
          b.clear();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        try {
          to.shutdownOutput();
          from.close(); // nothing more comes from this side: done with it
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "sxer-pump");
    t.setDaemon(true);
    t.start();
  }

  @Test
  void somethingThatAcceptsButNeverAnswersTimesOut() throws IOException {
    Path sock = Files.createTempDirectory("sxer").resolve("silent.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      DockerException e = assertThrows(DockerException.class,
          () -> EngineReader.open("unix://" + sock, Duration.ofMillis(300)));
      assertEquals(DockerException.Reason.TIMEOUT, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("did not answer GET /version within 300 ms"), e.getMessage());
      try (SocketChannel accepted = server.accept()) {
        assertTrue(accepted.isConnected(), "the request did reach the socket");
      }
    } finally {
      Files.deleteIfExists(sock);
      Files.deleteIfExists(sock.getParent());
    }
  }
}
