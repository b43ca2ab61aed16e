package dev.herald.gateway.config;

/**
 * An invalid configuration: unknown key, wrong type, value out of range, values that contradict each
 * other, or a setting this build cannot run. The message names the key so a user can fix it.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * @param key     the configuration key at fault (dotted), or {@code null} when none applies
   * @param message a message that already names the key
   */
  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The dotted key at fault, or {@code null}. */
  public String key() {
    return key;
  }
}
