package dev.sixkit.internal.ssh;

import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH connection to one host, through Apache MINA SSHD: public key authentication only (key
 * files and an agent), server keys checked by {@link KnownHosts}, one session reused by every
 * command and forward and opened again when it was found closed before a command was sent.
 * Commands run on exec channels with their standard input given as bytes, never through a
 * terminal; each has a timeout. A command cut off by a lost connection fails with {@link
 * Reason#CONNECTION_LOST}, one that overruns with {@link Reason#TIMEOUT}.
 *
 * <p>Thread-safe: MINA multiplexes channels over the session; (re)connecting is serialised.
 */
public final class SshConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);
  /** Client keep-alives (keepalive@openssh.com, answered by OpenSSH): a dead peer is noticed in about 30 s. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  /** A private key file and its passphrase (null when unencrypted). Immutable. */
  public record KeyFile(Path file, String passphrase) {}

  /** What the connection needs. Immutable. */
  public record Settings(List<KeyFile> keys, Optional<Path> agent, Path knownHosts, boolean trustOnFirstUse,
      Duration connectTimeout) {}

  /** What a command did. Immutable. */
  public record Result(int exit, String stdout, String stderr) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private final SshTarget target;
  private final Settings settings;
  private final KnownHosts knownHosts;
  private final List<KeyPair> keys;
  private final SshClient client;
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong commands = new AtomicLong();
  private ClientSession session;
  private volatile boolean closed;

  private SshConnection(SshTarget target, Settings settings, List<KeyPair> keys, KnownHosts knownHosts,
      SshClient client) {
    this.target = target;
    this.settings = settings;
    this.keys = keys;
    this.knownHosts = knownHosts;
    this.client = client;
  }

  /** Loads the keys, starts a client and connects; fails with a clear SshException when it cannot. */
  public static SshConnection open(SshTarget target, Settings settings) {
    List<KeyPair> keys = loadKeys(target, settings.keys());
    if (keys.isEmpty() && settings.agent().isEmpty()) {
      throw new SshException(Reason.CONFIG, target.toString(), "authenticate to", target.toString(),
          "no private key and no agent to authenticate with: give SshOptions.identity(keyFile) or agent(socket),"
              + " or create ~/.ssh/id_ed25519", null);
    }
    KnownHosts kh = new KnownHosts(target, settings.knownHosts(), settings.trustOnFirstUse());
    SshClient client = SshClient.setUpDefaultClient();
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY); // never ~/.ssh/config: only what was given
    client.setServerKeyVerifier(kh);
    client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(keys));
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.setAgentFactory(settings.agent().map(UnixAgent::factory).orElse(null));
    client.setSignatureFactories(preferKnown(client.getSignatureFactories(), kh.knownKeyTypes()));
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, HEARTBEAT);
    CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, HEARTBEAT);
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
    CoreModuleProperties.NIO_WORKERS.set(client, 2);
    client.start();
    SshConnection c = new SshConnection(target, settings, keys, kh, client);
    try {
      c.session();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * Host key algorithms in the order OpenSSH would offer them: the types known_hosts holds for
   * this host first, so a host known by its ed25519 key is not asked for its RSA key.
   */
  static List<NamedFactory<Signature>> preferKnown(List<NamedFactory<Signature>> all, List<String> knownTypes) {
    if (knownTypes.isEmpty()) {
      return all;
    }
    Set<String> first = new LinkedHashSet<>();
    for (String t : knownTypes) {
      if (t.equals(KeyUtils.RSA_SHA512_KEY_TYPE_ALIAS) || t.equals("ssh-rsa")) {
        first.addAll(List.of("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"));
      } else {
        first.add(t);
      }
    }
    List<NamedFactory<Signature>> out = new ArrayList<>();
    for (String name : first) {
      for (NamedFactory<Signature> f : all) {
        if (f.getName().equals(name)) {
          out.add(f);
        }
      }
    }
    for (NamedFactory<Signature> f : all) {
      if (!out.contains(f)) {
        out.add(f);
      }
    }
    return out;
  }

  private static List<KeyPair> loadKeys(SshTarget target, List<KeyFile> files) {
    List<KeyPair> out = new ArrayList<>();
    for (KeyFile k : files) {
      if (!Files.isReadable(k.file())) {
        throw new SshException(Reason.CONFIG, target.toString(), "load private key", k.file().toString(),
            "no readable file there", null);
      }
      try (InputStream in = Files.newInputStream(k.file())) {
        FilePasswordProvider pw = k.passphrase() == null ? FilePasswordProvider.EMPTY
            : FilePasswordProvider.of(k.passphrase());
        Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(k.file().toString()),
            in, pw);
        if (pairs == null) {
          throw new SshException(Reason.CONFIG, target.toString(), "load private key", k.file().toString(),
              "not a private key this client can read", null);
        }
        pairs.forEach(out::add);
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        if (e instanceof SshException s) {
          throw s;
        }
        String why = String.valueOf(e.getMessage());
        if (k.passphrase() == null && (why.toLowerCase().contains("password") || why.toLowerCase().contains("encrypt")
            || why.toLowerCase().contains("passphrase"))) {
          why = "the key is encrypted: give its passphrase (SshOptions.identity(file, passphrase)) or load it into"
              + " an agent";
        }
        throw new SshException(Reason.CONFIG, target.toString(), "load private key", k.file().toString(), why, e);
      }
    }
    return out;
  }

  public SshTarget target() {
    return target;
  }

  /** The SHA256 fingerprint of the server key accepted. */
  public String hostKeyFingerprint() {
    return knownHosts.acceptedFingerprint();
  }

  /**
   * How the known_hosts file changed since it vouched for the server's key (see {@link
   * KnownHosts#changeSinceVerified()}).
   *
   * @return null when unchanged, else what changed
   */
  public String knownHostsChange() {
    return knownHosts.changeSinceVerified();
  }

  /** How many times a session was opened (1 unless it had to reconnect). */
  public long connects() {
    return connects.get();
  }

  /** How many commands were sent to the host (exec requests). */
  public long commands() {
    return commands.get();
  }

  /** The live session, connecting (again) when there is none or it was closed. */
  public synchronized ClientSession session() {
    if (closed) {
      throw new SshException(Reason.CLOSED, target.toString(), "use", target.toString(), "the host was closed", null);
    }
    if (session != null && session.isOpen() && !session.isClosing()) {
      return session;
    }
    if (session != null) {
      LOG.info("connection to {} was lost; connecting again", target);
      session.close(true);
      session = null;
    }
    session = connect();
    connects.incrementAndGet();
    return session;
  }

  /** Whether a session is open now (without connecting). */
  public synchronized boolean isConnected() {
    return session != null && session.isOpen() && !session.isClosing();
  }

  private ClientSession connect() {
    Duration timeout = settings.connectTimeout();
    long t0 = System.nanoTime();
    ConnectFuture cf;
    try {
      cf = client.connect(target.user(), target.connectHost(), target.port());
    } catch (IOException e) {
      throw unreachable(e);
    }
    boolean done;
    try {
      done = cf.await(timeout);
    } catch (IOException e) {
      throw unreachable(e);
    }
    if (!done) {
      cf.cancel();
      throw new SshException(Reason.TIMEOUT, target.toString(), "connect to", target.toString(),
          "no TCP connection within " + timeout.toMillis() + " ms", null);
    }
    if (!cf.isConnected()) {
      throw unreachable(cf.getException());
    }
    ClientSession s = cf.getSession();
    long tcp = System.nanoTime();
    Duration left = timeout.minusNanos(System.nanoTime() - t0);
    try {
      AuthFuture af = s.auth();
      boolean finished = af.await(left.isNegative() ? Duration.ofMillis(1) : left);
      if (!finished) {
        s.close(true);
        throw keyRefusal().orElseGet(() -> new SshException(Reason.TIMEOUT, target.toString(), "connect to",
            target.toString(), "no SSH handshake and authentication within " + timeout.toMillis()
                + " ms (is an SSH server listening there?)", null));
      }
      if (!af.isSuccess()) {
        Throwable why = af.getException();
        s.close(true);
        throw keyRefusal().orElseGet(() -> authFailure(why));
      }
    } catch (IOException e) {
      s.close(true);
      throw keyRefusal().orElseGet(() -> authFailure(e));
    }
    if (LOG.isDebugEnabled()) {
      long end = System.nanoTime();
      LOG.debug("connected to {} in {} ms (TCP {} ms, key exchange and authentication {} ms; host key {})", target,
          (end - t0) / 1_000_000, (tcp - t0) / 1_000_000, (end - tcp) / 1_000_000, knownHosts.acceptedFingerprint());
    }
    return s;
  }

  private Optional<SshException> keyRefusal() {
    return Optional.ofNullable(knownHosts.refusal());
  }

  private SshException unreachable(Throwable e) {
    Throwable root = e;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      if (root instanceof ConnectException || root instanceof NoRouteToHostException
          || root instanceof UnknownHostException) {
        break;
      }
      root = root.getCause();
    }
    String why = root == null ? "unknown failure" : root instanceof UnknownHostException
        ? "no such host (DNS): " + root.getMessage() : root.getClass().getSimpleName() + ": " + root.getMessage();
    return new SshException(Reason.UNREACHABLE, target.toString(), "connect to", target.toString(), why, e);
  }

  private SshException authFailure(Throwable e) {
    String why = e == null ? "" : String.valueOf(e.getMessage());
    // The handshake itself may have failed (the server closed the connection, no common algorithm).
    if (!why.toLowerCase().contains("authentication") && !why.toLowerCase().contains("no more")) {
      return new SshException(Reason.UNREACHABLE, target.toString(), "connect to", target.toString(),
          "the SSH handshake failed: " + why, e);
    }
    StringBuilder offered = new StringBuilder();
    for (KeyPair k : keys) {
      offered.append(offered.length() == 0 ? "" : ", ").append(KeyUtils.getKeyType(k)).append(' ')
          .append(KeyUtils.getFingerPrint(k.getPublic()));
    }
    for (KeyFile k : settings.keys()) {
      offered.append(offered.length() == 0 ? "" : ", ").append(k.file());
    }
    settings.agent().ifPresent(a -> offered.append(offered.length() == 0 ? "" : ", ").append("the keys of agent ")
        .append(a));
    return new SshException(Reason.AUTH_FAILED, target.toString(), "authenticate to", target.toString(),
        "the server accepted none of the keys offered (" + offered + "); is the public key in "
            + target.user() + "'s authorized_keys?", e);
  }

  /**
   * Runs a command (a fixed string: callers never build it from unchecked input) with {@code
   * stdin} as its standard input, and waits for it to end.
   *
   * @throws SshException TIMEOUT after {@code timeout}, CONNECTION_LOST when the connection went
   *     away after the command was sent, UNREACHABLE or others when (re)connecting fails
   */
  public Result exec(String command, byte[] stdin, Duration timeout) {
    ChannelExec ch = openExec(command, timeout);
    try {
      ByteArrayOutputStream out = (ByteArrayOutputStream) ch.getOut();
      ByteArrayOutputStream err = (ByteArrayOutputStream) ch.getErr();
      try (OutputStream in = ch.getInvertedIn()) {
        if (stdin != null && stdin.length > 0) {
          in.write(stdin);
          in.flush();
        }
      } catch (IOException e) {
        throw lost(command, e);
      }
      Set<ClientChannelEvent> ev = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
      Integer exit = ch.getExitStatus();
      if (ev.contains(ClientChannelEvent.TIMEOUT) && exit == null) {
        disconnect(); // a connection that stopped answering is not used again
        throw new SshException(Reason.TIMEOUT, target.toString(), "run", "'" + command + "' on " + target,
            "no answer within " + timeout.toMillis() + " ms (the remote command may still be running; the connection"
                + " was closed)", null);
      }
      if (exit == null) {
        // A short grace for the exit status that may trail the close.
        ch.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS), Duration.ofMillis(200));
        exit = ch.getExitStatus();
      }
      if (exit == null) {
        String signal = ch.getExitSignal();
        if (signal != null) {
          return new Result(128 + 15, out.toString(StandardCharsets.UTF_8),
              err.toString(StandardCharsets.UTF_8) + "\nkilled by signal " + signal);
        }
        throw lost(command, null);
      }
      return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      ch.close(true);
    }
  }

  private SshException lost(String command, Throwable cause) {
    return new SshException(Reason.CONNECTION_LOST, target.toString(), "run", "'" + command + "' on " + target,
        "the connection was lost before the command ended", cause);
  }

  /** Opens an exec channel; a session found dead before the command was sent is replaced once. */
  private ChannelExec openExec(String command, Duration timeout) {
    commands.incrementAndGet();
    return openChannel(command, new ByteArrayOutputStream(), new ByteArrayOutputStream(), timeout);
  }

  /** Counts commands sent another way (a {@link RemoteShell}'s), for {@link #commands()}. */
  void countCommands(int n) {
    commands.addAndGet(n);
  }

  /**
   * Opens an exec channel running {@code command} (a fixed string), its output and error
   * written to the given streams by MINA's threads; a session found dead before the command was
   * sent is replaced once. The caller writes its standard input ({@code getInvertedIn()}) and
   * closes it.
   */
  ChannelExec openChannel(String command, OutputStream stdout, OutputStream stderr, Duration timeout) {
    for (int attempt = 0; ; attempt++) {
      ClientSession s = session();
      try {
        ChannelExec ch = s.createExecChannel(command);
        ch.setOut(stdout);
        ch.setErr(stderr);
        ch.open().verify(timeout);
        return ch;
      } catch (IOException | RuntimeException e) {
        if (e instanceof SshException se) {
          throw se;
        }
        if (attempt == 0 && (!s.isOpen() || s.isClosing())) {
          continue; // nothing was sent: connect again and retry
        }
        if (s.isOpen() && !s.isClosing() && String.valueOf(e.getMessage()).toLowerCase().contains("timeout")) {
          disconnect();
          throw new SshException(Reason.TIMEOUT, target.toString(), "open a channel to", target.toString(),
              "no answer within " + timeout.toMillis() + " ms", e);
        }
        throw new SshException(s.isOpen() ? Reason.COMMAND_FAILED : Reason.CONNECTION_LOST, target.toString(),
            "open a channel to", target.toString(), String.valueOf(e.getMessage()), e);
      }
    }
  }

  /**
   * Opens a byte stream to a unix socket on the remote host (direct-streamlocal); a session found
   * dead is replaced once.
   */
  public StreamLocalChannel openStreamLocal(String socketPath, Duration timeout) {
    for (int attempt = 0; ; attempt++) {
      ClientSession s = session();
      StreamLocalChannel ch = new StreamLocalChannel(socketPath);
      try {
        ConnectionService service = s.getService(ConnectionService.class);
        service.registerChannel(ch);
        ch.open().verify(timeout);
        return ch;
      } catch (IOException | RuntimeException e) {
        ch.close(true);
        if (e instanceof SshException se) {
          throw se;
        }
        if (attempt == 0 && (!s.isOpen() || s.isClosing())) {
          continue;
        }
        throw new SshException(s.isOpen() ? Reason.COMMAND_FAILED : Reason.CONNECTION_LOST, target.toString(),
            "open a stream to", socketPath + " on " + target, String.valueOf(e.getMessage())
                + (String.valueOf(e.getMessage()).contains("prohibited")
                    ? " (the server forbids forwarding to unix sockets: AllowStreamLocalForwarding)" : ""), e);
      }
    }
  }

  /** Closes the session (commands under way are cut off); the next command connects again. */
  public synchronized void disconnect() {
    if (session != null) {
      session.close(true);
      session = null;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (session != null) {
        session.close(true);
        session = null;
      }
    }
    client.stop();
  }

  @Override
  public String toString() {
    return "ssh " + target;
  }
}
