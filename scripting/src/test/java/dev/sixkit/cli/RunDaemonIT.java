package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.docker.Docker;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.LabSsh;
import dev.sixkit.netlink.testing.ChildJvm;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The run daemon with real parts: runs started as the launcher starts them ({@code java ...
 * RunClient run ...} in a child process) on a two-host SSH lab. Runs share one daemon and its SSH
 * connections (the same TCP sessions, read with ss in the hosts' namespaces), the setup's outcome
 * is read back with ip -json and ping6 both ways, output, standard input and exit statuses cross the
 * socket, Ctrl-C stops a run and leaves the daemon serving (and, in the middle of an apply, through
 * the daemon and without it, lets the changes under way finish and says what was made where), a
 * changed host key between runs is
 * refused before anything is sent, another folder gets another daemon, and {@code daemon stop}
 * ends them all (no process left).
 */
class RunDaemonIT {
  private static Lab lab;
  private static Path work;
  private static Path daemons;
  private static String before;

  @BeforeAll
  static void up() throws IOException {
    Root.require();
    String name = "sxrd" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    work = Files.createTempDirectory("sixkit-daemon-it");
    daemons = work.resolve("daemons");
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(2).mode(Mode.NDP_PROXY).ssh(true)
        .progress(m -> System.out.println("daemon lab: " + m)).up();
    before = state();
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (work != null) {
        client(work, null, "daemon", "stop");
        assertEquals(List.of(), daemonProcesses(), "daemon stop leaves no daemon process");
      }
    } finally {
      if (lab != null) {
        Files.deleteIfExists(Path.of("/var/lib/sixkit/dsl", lab.name() + "-d", "last-apply.json"));
        Files.deleteIfExists(Path.of("/var/lib/sixkit/dsl", lab.name() + "-d"));
        Lab.down(lab.name(), LabProgress.silent());
      }
    }
  }

  /** The setup over SSH, as fleet.groovy writes it, with the known_hosts file given; then the action. */
  private static Path script(String file, Path knownHosts, String action) throws IOException {
    String s = """
        def keys = "/run/sixkit/lab/%1$s/_ssh"
        setup("%1$s-d") {
          underlay '2001:db8:ab11::/64'
          mode ndpProxy
          lab('%1$s').hosts().each { h ->
            host(h.name()) {
              ssh("root@[${h.managementAddress()}]") {
                identity "${keys}/id_ed25519"
                knownHosts '%2$s'
                dockerSocket "/run/sixkit/lab/%1$s/${h.name()}/docker.sock"
              }
              uplink 'eth0'
              address h.underlayAddress()
            }
          }
        }
        %3$s
        """.formatted(lab.name(), knownHosts, action);
    Path p = work.resolve(file);
    Files.writeString(p, s);
    return p;
  }

  record Run(int exit, String out, String err) {}

  /** The launcher's java command for a run, in {@code dir}, with this test's daemon folder. */
  private static ProcessBuilder command(Path dir, String... args) {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = ChildJvm.java("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp,
        RunClient.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("SIXKIT_DAEMON_DIR", daemons.toString());
    pb.environment().remove("SIXKIT_DAEMON");
    pb.environment().put("SIXKIT_DAEMON_IDLE", "120"); // should the test JVM die before its @AfterAll
    return pb;
  }

  private static Run client(Path dir, String stdin, String... args) throws IOException, InterruptedException {
    Process p = command(dir, args).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = readAll(p.getInputStream());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "run " + List.of(args) + " ended");
    Run r = new Run(p.exitValue(), out, err.join());
    System.out.println("$ run " + List.of(args) + " -> " + r.exit() + "\n" + r.out() + r.err());
    return r;
  }

  private static String readAll(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** What the setup touches, per host, read back with ip -json and sysctl. */
  private static String state() {
    TreeMap<String, String> m = new TreeMap<>();
    for (LabHost h : lab.hosts()) {
      List<String> proxies = new ArrayList<>();
      for (JsonNode n : Ip.json(h.netns(), "-6", "neigh", "show", "proxy")) {
        proxies.add(n.path("dst").asText());
      }
      m.put(h.name(), "proxies " + proxies + " proxy_ndp "
          + Ip.exec(h.netns(), "sysctl", "-n", "net.ipv6.conf.eth0.proxy_ndp").out().strip());
    }
    return m.toString();
  }

  /** Each host's established SSH sessions, as the peer addresses and ports ss shows in its namespace. */
  private static TreeMap<String, TreeSet<String>> sessions() {
    TreeMap<String, TreeSet<String>> m = new TreeMap<>();
    for (LabHost h : lab.hosts()) {
      TreeSet<String> peers = new TreeSet<>();
      for (String line : Ip.exec(h.netns(), "ss", "-Htn", "state", "established", "( sport = :22 )").out().split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4) {
          peers.add(f[3]);
        }
      }
      m.put(h.name(), peers);
    }
    return m;
  }

  private static String web(String host) {
    try (Docker d = Docker.connect(lab.host(host).dockerEndpoint())) {
      return d.container(lab.host(host).webContainer()).ipv6().orElseThrow().toCanonicalString();
    }
  }

  private static boolean ping(String from, String to) {
    try (Docker d = Docker.connect(lab.host(from).dockerEndpoint())) {
      return d.exec(lab.host(from).webContainer(), Duration.ofSeconds(15), List.of("ping6", "-c", "1", "-W", "3", web(to)))
          .ok();
    }
  }

  /** Run daemons of this test (their command line names its folder). */
  private static List<Long> daemonProcesses() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          if (cmd.contains("daemon serve --socket " + daemons)) {
            pids.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException gone) {
          // ended meanwhile
        }
      }
    }
    return pids;
  }

  private static List<Path> sockets() throws IOException {
    if (!Files.isDirectory(daemons)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(daemons)) {
      return s.filter(p -> p.toString().endsWith(".sock")).toList();
    }
  }

  @Test
  void runsShareOneDaemonAndItsSshSessions() throws Exception {
    Path kh = LabSsh.knownHosts(lab.name());
    TreeMap<String, TreeSet<String>> others = sessions(); // other tests' setups, kept open by the same daemon
    Run applied = client(work, null, "run", script("apply.groovy", kh, "apply()\nverify()").toString());
    assertEquals(0, applied.exit(), applied.err());
    assertTrue(applied.out().contains("verify: 2 of 2 pairs answer ping6 and HTTP"), applied.out());
    for (LabHost h : lab.hosts()) {
      assertTrue(state().contains(h.name() + "=proxies [" + web(h.name()) + "] proxy_ndp 1"), state());
    }
    assertTrue(ping("docker1", "docker2"), "docker1's web answers docker2's after the apply");
    assertTrue(ping("docker2", "docker1"), "and the other way");
    TreeMap<String, TreeSet<String>> first = sessions();
    first.forEach((h, s) -> assertTrue(s.containsAll(others.get(h)) && s.size() <= others.get(h).size() + 1,
        "one SSH session per host for this setup: " + others + " then " + first));

    Run again = client(work, null, "run", script("apply.groovy", kh, "apply()").toString(), "--plan");
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().contains("nothing to change"), again.out());
    assertEquals(first, sessions(), "the second run used the same TCP sessions (no new login)");
    assertEquals(1, sockets().size(), "one daemon");
    Run status = client(work, null, "daemon", "status");
    assertTrue(status.out().contains("2 open hosts") && status.out().contains("docker1 ssh root@["), status.out());

    Run undone = client(work, null, "run", script("undo.groovy", kh, "undo()").toString());
    assertEquals(0, undone.exit(), undone.err());
    assertEquals(before, state(), "undo through the daemon restores what ip -json showed before");
    assertEquals(first, sessions(), "still the same sessions");
  }

  /**
   * Ctrl-C in the middle of an apply, through the daemon and in a process of its own: docker2
   * stops after its first change (its thread is held there until the test has pressed Ctrl-C),
   * docker1 finishes, the run says what was made where and exits 130; ip -json shows exactly that,
   * and undo reverts it all.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"daemon", "--no-daemon"})
  void ctrlCDuringAnApplyFinishesWhatIsUnderWayAndSaysWhatWasAppliedWhere(String how) throws Exception {
    Path kh = LabSsh.knownHosts(lab.name());
    Path s = script("cut.groovy", kh, """
        sixkitSession.current().status { h, m ->
          if (h == 'docker2' && m == 'apply 2/3') { println 'MIDWAY'; System.out.flush(); Thread.sleep(4000) }
        }
        apply()
        """);
    List<String> args = new ArrayList<>(List.of("run", s.toString(), "--forks", "2"));
    if (how.startsWith("--")) {
      args.add(how);
    }
    try {
      Process p = command(work, args.toArray(String[]::new)).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      String line;
      while ((line = out.readLine()) != null && !line.equals("MIDWAY")) {
        seen.append(line).append('\n');
      }
      assertEquals("MIDWAY", line, seen.toString());
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
      while ((line = out.readLine()) != null) {
        seen.append(line).append('\n');
      }
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run ended after Ctrl-C");
      String said = seen.toString();
      System.out.println(how + ":\n" + said);
      assertEquals(130, p.exitValue(), said);
      // docker2 made its first change (proxy_ndp), then no other; docker1 stopped where the report says.
      assertTrue(said.contains("docker2: apply FAILED after 1 change: stopped (interrupted) before"), said);
      assertTrue(said.contains("undo() reverts what was made"), said);
      String st = state();
      assertTrue(st.contains("docker2=proxies [] proxy_ndp 1"), "docker2 has its first change only: " + st);
      boolean docker1Done = said.contains("docker1: apply done");
      assertTrue(docker1Done || said.contains("docker1: apply FAILED after 2 changes: stopped (interrupted) before proxy"),
          said);
      assertTrue(st.contains("docker1=proxies [" + (docker1Done ? web("docker1") : "") + "] proxy_ndp 1"),
          "docker1 as the report says (" + (docker1Done ? "done" : "stopped before its entry") + "): " + st);
    } finally {
      Run undone = client(work, null, "run", script("undo-cut.groovy", kh, "undo()").toString());
      assertEquals(0, undone.exit(), undone.err());
      assertEquals(before, state(), "undo reverts what the interrupted apply made");
    }
  }

  @Test
  void outputStandardInputAndExitStatusCrossTheSocket() throws Exception {
    Path s = work.resolve("io.groovy");
    Files.writeString(s, """
        def line = System.in.newReader().readLine()
        println "read: ${line}"
        System.err.println 'a note on stderr'
        throw new IllegalStateException('no such thing')
        """);
    Run r = client(work, "hello daemon\n", "run", s.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.out().contains("read: hello daemon"), r.out());
    assertTrue(r.err().contains("a note on stderr"), r.err());
    assertTrue(r.err().contains("io.groovy:4") && r.err().contains("no such thing"), r.err());
    Path ok = work.resolve("ok.groovy");
    Files.writeString(ok, "println 'fine: ' + args.join(',')\n");
    Run fine = client(work, null, "run", ok.toString(), "a", "b");
    assertEquals(0, fine.exit(), fine.err());
    assertEquals("fine: a,b\n", fine.out());
  }

  @Test
  void ctrlCStopsTheRunAndTheDaemonServesTheNext() throws Exception {
    Path s = work.resolve("forever.groovy");
    Files.writeString(s, "println 'started'\nSystem.out.flush()\nwhile (true) { Thread.sleep(50) }\n");
    Process p = command(work, "run", s.toString()).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertEquals("started", line);
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run stopped after Ctrl-C");
    assertEquals(130, p.exitValue(), "exit status of an interrupted run");
    Path next = work.resolve("next.groovy");
    Files.writeString(next, "println 'next'\n");
    Run r = client(work, null, "run", next.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("next\n", r.out());
    assertFalse(r.err().contains("busy"), "the daemon was free again: " + r.err());
    assertEquals(1, daemonProcesses().size(), "the same daemon served it");
  }

  @Test
  void changedHostKeyBetweenRunsIsRefusedBeforeAnythingIsSent() throws Exception {
    Path kh = work.resolve("known_hosts");
    Files.copy(LabSsh.knownHosts(lab.name()), kh, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path plan = script("plan-kh.groovy", kh, "plan()");
    Run first = client(work, null, "run", plan.toString());
    assertEquals(0, first.exit(), first.err());
    // docker1's address with docker2's key, as a man in the middle would show it
    Path pub = LabSsh.hostKey(lab.name(), "docker2").resolveSibling("ssh_host_ed25519_key.pub");
    String[] key = Files.readString(pub).strip().split("\\s+", 3);
    StringBuilder changed = new StringBuilder();
    for (String l : Files.readAllLines(kh)) {
      changed.append(l.contains(lab.host("docker1").managementAddress()) ? l.split("\\s+")[0] + " " + key[0] + " "
          + key[1] : l).append('\n');
    }
    String good = Files.readString(kh);
    Files.writeString(kh, changed);
    String sshdLog = Files.readString(LabSsh.logFile(lab.name(), "docker1"));
    Run refused = client(work, null, "run", plan.toString());
    assertEquals(1, refused.exit(), refused.out() + refused.err());
    assertTrue((refused.out() + refused.err()).contains("has CHANGED"), refused.out() + refused.err());
    assertFalse(Files.readString(LabSsh.logFile(lab.name(), "docker1")).substring(sshdLog.length()).contains("Accepted"),
        "docker1 never got as far as a login");
    Files.writeString(kh, good);
    Run back = client(work, null, "run", plan.toString());
    assertEquals(0, back.exit(), back.err());
  }

  @Test
  void anotherFolderGetsItsOwnDaemonAndStopEndsThemAll() throws Exception {
    Path hi = work.resolve("hi.groovy");
    Files.writeString(hi, "println new File('.').canonicalPath\n");
    Run here = client(work, null, "run", hi.toString());
    Path other = Files.createDirectories(work.resolve("elsewhere"));
    Run there = client(other, null, "run", hi.toString());
    assertEquals(work.toRealPath().toString(), here.out().strip(), "a script sees its own folder");
    assertEquals(other.toRealPath().toString(), there.out().strip(), "in the other folder too");
    assertEquals(2, sockets().size(), "one daemon per folder");
    assertEquals(2, daemonProcesses().size());
    Run stop = client(work, null, "daemon", "stop");
    assertEquals(0, stop.exit(), stop.err());
    assertEquals(List.of(), sockets());
    assertEquals(List.of(), daemonProcesses(), "no daemon process left");
  }
}
