package dev.herald.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session credentials (docs/http-api.md#presence, G8): the secret a client holds for its session — the
 * {@code herald_sid} cookie, the {@code Herald-Session} header or the {@code session} query parameter — and
 * the public {@code sessionId} derived from it.
 *
 * <p>A credential is {@value #LENGTH} characters of base64url (no padding) over 41 bytes:
 * <pre>
 *   version (1 byte, 1) | secret (16 random bytes) | owner tag (8 bytes) | MAC (16 bytes)
 * </pre>
 * <ul>
 *   <li>the secret: 128 bits from {@link SecureRandom}; only Herald makes them;</li>
 *   <li>the owner tag: the first 8 bytes of SHA-256 of the user the session belongs to (the token's
 *   {@code sub} with {@code auth.mode=jwt}; nobody in open mode), so a credential shown with another
 *   user's token is known as such without a store lookup;</li>
 *   <li>the MAC: HMAC-SHA256 over the first 25 bytes, under the {@link SessionKeys} key every node shares,
 *   cut to 128 bits. A value with a wrong MAC was not minted by Herald and is ignored.</li>
 * </ul>
 * The public id is the first 128 bits of SHA-256({@code "herald.session-id:"} + secret) as 32 lowercase hex
 * characters: anyone may see it (lists, presence events, the event bus), and nobody can go back from it to
 * the secret, nor make a credential for it. HTTP never takes a public id as a credential.
 */
public final class SessionCredentials {
  /** Characters of a credential. */
  public static final int LENGTH = 55;
  private static final byte VERSION = 1;
  private static final int SECRET = 16;
  private static final int TAG = 8;
  private static final int MAC = 16;
  private static final int SIGNED = 1 + SECRET + TAG;
  private static final byte[] ID_DOMAIN = "herald.session-id:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OWNER_DOMAIN = "herald.session-owner:".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** What a presented credential is worth. */
  public enum Verdict {
    /** Minted by Herald for this caller: {@link Checked#sessionId()} names its session. */
    VALID,
    /** Minted by Herald for another user: refused, and never replaced silently for beats and stops. */
    OTHER_OWNER,
    /** Not a credential Herald minted (made up, altered, from the previous version, or of a lost key). */
    NOT_MINTED
  }

  /**
   * @param sessionId the public id when {@code verdict} is {@link Verdict#VALID}, else {@code null}
   */
  public record Checked(Verdict verdict, String sessionId) {
    public boolean valid() {
      return verdict == Verdict.VALID;
    }
  }

  /** A new credential and its public id. */
  public record Minted(String credential, String sessionId) {
  }

  private final SessionKeys keys;

  public SessionCredentials(SessionKeys keys) {
    this.keys = keys;
  }

  /** A new credential for a session of {@code owner} ({@code null}: nobody, open mode). */
  public Minted mint(String owner) {
    byte[] raw = new byte[SIGNED + MAC];
    raw[0] = VERSION;
    byte[] secret = new byte[SECRET];
    RANDOM.nextBytes(secret);
    System.arraycopy(secret, 0, raw, 1, SECRET);
    System.arraycopy(ownerTag(owner), 0, raw, 1 + SECRET, TAG);
    System.arraycopy(mac(keys.signing(), raw), 0, raw, SIGNED, MAC);
    return new Minted(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), publicId(raw));
  }

  /** Checks a presented credential for {@code owner} ({@code null}: nobody, open mode). */
  public Checked check(String credential, String owner) {
    byte[] raw = decode(credential);
    if (raw == null || !signedByUs(raw)) {
      return new Checked(Verdict.NOT_MINTED, null);
    }
    byte[] tag = java.util.Arrays.copyOfRange(raw, 1 + SECRET, SIGNED);
    if (!MessageDigest.isEqual(ownerTag(owner), tag)) {
      // Across a change of auth.mode a credential is no one's: one of open mode shown with a token, or one of
      // a user shown without (open mode), starts anew. Only a user's credential shown by another user is refused.
      boolean acrossModes = owner == null || MessageDigest.isEqual(ownerTag(null), tag);
      return new Checked(acrossModes ? Verdict.NOT_MINTED : Verdict.OTHER_OWNER, null);
    }
    return new Checked(Verdict.VALID, publicId(raw));
  }

  private boolean signedByUs(byte[] raw) {
    byte[] given = java.util.Arrays.copyOfRange(raw, SIGNED, SIGNED + MAC);
    for (byte[] key : keys.verifying()) {
      if (MessageDigest.isEqual(given, java.util.Arrays.copyOf(mac(key, raw), MAC))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The 41 bytes of a well-formed credential of this version, else {@code null}. Only the one encoding Herald
   * writes is taken: base64url leaves two spare bits in the last character, and a value that differs there
   * decodes to the same bytes but is not what Herald minted.
   */
  private static byte[] decode(String credential) {
    if (credential == null || credential.length() != LENGTH) {
      return null;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = credential.charAt(i);
      boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
      if (!ok) {
        return null;
      }
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(credential);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (raw.length != SIGNED + MAC || raw[0] != VERSION
        || !Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(credential)) {
      return null;
    }
    return raw;
  }

  /** The public id of a session: the first 128 bits of SHA-256(domain + secret), lowercase hex. */
  private static String publicId(byte[] raw) {
    MessageDigest sha = sha256();
    sha.update(ID_DOMAIN);
    sha.update(raw, 1, SECRET);
    byte[] digest = sha.digest();
    char[] out = new char[32];
    for (int i = 0; i < 16; i++) {
      out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    return new String(out);
  }

  private static byte[] ownerTag(String owner) {
    MessageDigest sha = sha256();
    sha.update(OWNER_DOMAIN);
    if (owner != null) {
      sha.update((byte) 'u');
      sha.update(owner.getBytes(StandardCharsets.UTF_8));
    }
    return java.util.Arrays.copyOf(sha.digest(), TAG);
  }

  /** HMAC-SHA256 of the signed part of {@code raw} under {@code key}. */
  private static byte[] mac(byte[] key, byte[] raw) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(raw, 0, SIGNED);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
