package dev.sixkit.internal.ssh;

import dev.sixkit.host.SshException;
import dev.sixkit.host.SshException.Reason;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a server's key against an OpenSSH known_hosts file, as {@code ssh} with
 * StrictHostKeyChecking=yes does: a key listed for the host (plain or hashed names, wildcards,
 * {@code [host]:port} for other ports) is accepted, a different key for a known host is refused as
 * changed, a host not listed is refused as unknown, a key marked {@code @revoked} is refused. Only
 * when trust on first use was asked for is an unknown host's key accepted, and then written to
 * the file; a changed key is refused even so.
 *
 * <p>A refusal is kept ({@link #refusal()}) so the caller can throw it with the host and the
 * key's fingerprint once the SSH library gives up. Thread-safe: reads the file at each check and
 * appends under a lock.
 */
public final class KnownHosts implements ServerKeyVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(KnownHosts.class);
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private final SshTarget target;
  private final Path file;
  private final boolean trustOnFirstUse;
  private final AtomicReference<SshException> refusal = new AtomicReference<>();
  private volatile String acceptedFingerprint;
  /** The file as the last check read it: a host reused later is checked against this. */
  private volatile Stamp verifiedAgainst;

  public KnownHosts(SshTarget target, Path file, boolean trustOnFirstUse) {
    this.target = target;
    this.file = file;
    this.trustOnFirstUse = trustOnFirstUse;
  }

  /** One usable line of the file. */
  record Entry(int line, String marker, PublicKey key, String keyType) {}

  /**
   * A known_hosts file as read once: its size, modification time and a SHA-256 of its content
   * ({@code size} -1 when there was no such file). Immutable.
   */
  public record Stamp(long size, long modifiedMillis, String sha256) {
    static final Stamp MISSING = new Stamp(-1, 0, "");

    /** How this stamp differs from {@code now}, or null when it does not. */
    String difference(Stamp now) {
      if (equals(now)) {
        return null;
      }
      if (now.size() < 0 || size() < 0) {
        return now.size() < 0 ? "it was removed" : "it was created";
      }
      List<String> what = new ArrayList<>();
      if (size() != now.size()) {
        what.add("size " + size() + " -> " + now.size() + " bytes");
      }
      if (modifiedMillis() != now.modifiedMillis()) {
        what.add("modification time");
      }
      if (!sha256().equals(now.sha256())) {
        what.add("content");
      }
      return String.join(", ", what) + " changed";
    }
  }

  /** The file's bytes and their stamp, read at once (the time first: a write in between shows). */
  private record Read(byte[] content, Stamp stamp) {}

  private Read read() {
    if (!Files.isRegularFile(file)) {
      return new Read(new byte[0], Stamp.MISSING);
    }
    try {
      long modified = Files.getLastModifiedTime(file).toMillis();
      byte[] b = Files.readAllBytes(file);
      return new Read(b, new Stamp(b.length, modified, java.util.HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(b))));
    } catch (IOException | GeneralSecurityException e) {
      throw new SshException(Reason.CONFIG, target.toString(), "read known hosts", file.toString(), e.toString(), e);
    }
  }

  /**
   * How the file changed since the last check read it (a host key accepted then is trusted only
   * as long as the file that vouched for it is unchanged).
   *
   * @return null when it is as it was, else what changed ("FILE: content changed since the host
   *     key was checked"); a reason too when no check accepted a key yet (or the last one refused)
   */
  public String changeSinceVerified() {
    Stamp then = verifiedAgainst;
    if (then == null) {
      return "no host key was checked against it yet";
    }
    String d = then.difference(read().stamp());
    return d == null ? null : file + ": " + d + " since the host key was checked";
  }

  /** The SHA256 fingerprint as ssh-keygen -l prints it. */
  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }

  /** The refusal of the last check, if it refused. */
  public SshException refusal() {
    return refusal.get();
  }

  /** The fingerprint of the key accepted last. */
  public String acceptedFingerprint() {
    return acceptedFingerprint;
  }

  /** Key types (ssh-ed25519, ssh-rsa...) the file holds for this host, in file order. */
  public List<String> knownKeyTypes() {
    Set<String> types = new LinkedHashSet<>();
    for (Entry e : entries()) {
      if (e.marker().isEmpty()) {
        types.add(e.keyType());
      }
    }
    return new ArrayList<>(types);
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
    refusal.set(null);
    String fp = fingerprint(serverKey);
    String type = KeyUtils.getKeyType(serverKey);
    Read r = read();
    verifiedAgainst = null; // until accepted: a refused check vouches for nothing
    List<Entry> known = entries(r.content());
    for (Entry e : known) {
      if (e.marker().equals("@revoked") && KeyUtils.compareKeys(e.key(), serverKey)) {
        return refuse(new SshException(Reason.CHANGED_HOST_KEY, target.toString(), "verify host key of",
            target.knownHostsName(), "its " + type + " key " + fp + " is marked @revoked in " + file + " line "
                + e.line() + ": refused", null), fp);
      }
    }
    List<Entry> plain = known.stream().filter(e -> e.marker().isEmpty()).toList();
    for (Entry e : plain) {
      if (KeyUtils.compareKeys(e.key(), serverKey)) {
        acceptedFingerprint = fp;
        verifiedAgainst = r.stamp();
        return true;
      }
    }
    if (!plain.isEmpty()) {
      StringBuilder held = new StringBuilder();
      for (Entry e : plain) {
        held.append(held.length() == 0 ? "" : ", ").append(e.keyType()).append(' ').append(fingerprint(e.key()))
            .append(" (line ").append(e.line()).append(')');
      }
      return refuse(SshException.hostKey(Reason.CHANGED_HOST_KEY, target.toString(),
          "the host key of " + target.knownHostsName() + " has CHANGED: it offers " + type + " " + fp + ", but " + file
              + " holds " + held + ". Someone may be intercepting the connection, or the host was reinstalled:"
              + " check the new key out of band, then remove the old entry (ssh-keygen -R '"
              + target.knownHostsName() + "' -f " + file + "). Refused", fp), fp);
    }
    if (!trustOnFirstUse) {
      return refuse(SshException.hostKey(Reason.UNKNOWN_HOST_KEY, target.toString(),
          "host " + target.knownHostsName() + " is not in " + file + "; it offers " + type + " " + fp
              + ". Check that fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and add it to "
              + file + ", or connect once with SshOptions.trustOnFirstUse(). Refused", fp), fp);
    }
    try {
      append(serverKey);
    } catch (IOException e) {
      return refuse(new SshException(Reason.CONFIG, target.toString(), "record host key of", target.knownHostsName(),
          "trust on first use could not write " + file + ": " + e, e), fp);
    }
    LOG.warn("trusting {} on first use: {} {} added to {}", target.knownHostsName(), type, fp, file);
    acceptedFingerprint = fp;
    verifiedAgainst = read().stamp(); // the file with our own line added
    return true;
  }

  private boolean refuse(SshException e, String fp) {
    LOG.warn("{}", e.getMessage());
    refusal.set(e);
    return false;
  }

  private synchronized void append(PublicKey key) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    String line = target.knownHostsName() + " " + PublicKeyEntry.toString(key) + "\n";
    boolean needsNewline = Files.exists(file) && Files.size(file) > 0 && !endsWithNewline(file);
    Files.writeString(file, (needsNewline ? "\n" : "") + line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static boolean endsWithNewline(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    return b.length > 0 && b[b.length - 1] == '\n';
  }

  /** The entries of the file whose host patterns match this host (unreadable lines skipped). */
  List<Entry> entries() {
    return entries(read().content());
  }

  private List<Entry> entries(byte[] content) {
    List<Entry> out = new ArrayList<>();
    List<String> lines = new String(content, StandardCharsets.UTF_8).lines().toList();
    String name = target.knownHostsName();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = SPACE.split(line);
      int at = 0;
      String marker = "";
      if (f[0].startsWith("@")) {
        marker = f[0];
        at = 1;
      }
      if (f.length < at + 3 || marker.equals("@cert-authority")) {
        continue;
      }
      if (!hostMatches(f[at], name)) {
        continue;
      }
      try {
        PublicKey key = PublicKeyEntry.parsePublicKeyEntry(f[at + 1] + " " + f[at + 2])
            .resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
        if (key != null) {
          out.add(new Entry(i + 1, marker, key, KeyUtils.getKeyType(key)));
        }
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        LOG.debug("{} line {}: unreadable key skipped: {}", file, i + 1, e.toString());
      }
    }
    return out;
  }

  /**
   * Whether a known_hosts host field matches: comma-separated patterns with '*' and '?', '!' to
   * negate, or one hashed name ({@code |1|salt|hash}, HMAC-SHA1 of the name).
   */
  public static boolean hostMatches(String field, String name) {
    if (field.startsWith("|1|")) {
      String[] p = field.split("\\|");
      if (p.length != 4) {
        return false;
      }
      try {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(p[2]), "HmacSHA1"));
        byte[] want = Base64.getDecoder().decode(p[3]);
        return MessageDigest.isEqual(want, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        return false;
      }
    }
    boolean matched = false;
    for (String pattern : field.split(",")) {
      boolean negated = pattern.startsWith("!");
      String p = negated ? pattern.substring(1) : pattern;
      if (glob(p.toLowerCase(java.util.Locale.ROOT), name.toLowerCase(java.util.Locale.ROOT))) {
        if (negated) {
          return false;
        }
        matched = true;
      }
    }
    return matched;
  }

  /** '*' and '?' wildcards, in linear time (the last '*' is the only backtracking point). */
  static boolean glob(String p, String s) {
    int i = 0;
    int j = 0;
    int star = -1;
    int mark = 0;
    while (j < s.length()) {
      if (i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == s.charAt(j))) {
        i++;
        j++;
      } else if (i < p.length() && p.charAt(i) == '*') {
        star = i++;
        mark = j;
      } else if (star >= 0) {
        i = star + 1;
        j = ++mark;
      } else {
        return false;
      }
    }
    while (i < p.length() && p.charAt(i) == '*') {
      i++;
    }
    return i == p.length();
  }
}
