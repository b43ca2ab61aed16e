package dev.herald.gateway.config;

import dev.herald.gateway.config.ConfigValues.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the node's {@link HeraldConfig} (SPEC §5): the file given by {@code --config} (YAML or JSON),
 * then {@code HERALD_…} environment variables, then {@code --key=value} / {@code --key value} flags,
 * each overriding the one before. Every value is checked; the first problem stops with a
 * {@link ConfigException} whose message names the key.
 */
public final class ConfigLoader {
  /** The environment variable naming a configuration file when no {@code --config} flag is given. */
  public static final String CONFIG_ENV = "HERALD_CONFIG";

  private ConfigLoader() {
  }

  /**
   * The configuration from a command line and an environment.
   *
   * @param args the program arguments: {@code [--config FILE] [--KEY=VALUE | --KEY VALUE]…}
   * @param env  the environment (normally {@code System.getenv()}); variables {@code HERALD_<KEY>}
   * @throws ConfigException when anything is invalid
   */
  public static HeraldConfig load(String[] args, Map<String, String> env) {
    Map<String, Setting> flags = new LinkedHashMap<>();
    String file = parseArgs(args, flags);
    if (file == null) {
      String fromEnv = env.get(CONFIG_ENV);
      file = fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
    }
    Map<String, Setting> merged = new LinkedHashMap<>();
    if (file != null) {
      merged.putAll(ConfigFiles.read(Path.of(file)));
    }
    merged.putAll(fromEnv(env));
    merged.putAll(flags);
    return build(merged);
  }

  /**
   * The configuration from dotted keys ({@code "http.port" -> 0}); nested maps are accepted too, and
   * every key not given keeps its default. Values may be typed ({@code Duration}, numbers, booleans,
   * lists) or text as in a flag ({@code "250ms"}, {@code "64KiB"}, {@code "a,b"}).
   *
   * @throws ConfigException when anything is invalid
   */
  public static HeraldConfig fromMap(Map<String, ?> values) {
    Map<String, Setting> settings = new LinkedHashMap<>();
    ConfigFiles.flatten("", values, settings, null);
    return build(settings);
  }

  /** True when the arguments ask for the usage text ({@code --help} or {@code -h}). */
  public static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** Reads flags into {@code flags}; answers the {@code --config} file or {@code null}. */
  private static String parseArgs(String[] args, Map<String, Setting> flags) {
    String file = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw new ConfigException(null, "unexpected argument '" + a + "': settings are given as --key=value (see --help)");
      }
      String body = a.substring(2);
      int eq = body.indexOf('=');
      String key = eq < 0 ? body : body.substring(0, eq);
      String value;
      if (eq >= 0) {
        value = body.substring(eq + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else if (ConfigKeys.find(key) != null && ConfigKeys.find(key).type() == ConfigKeys.Type.BOOL) {
        value = "true";
      } else {
        throw new ConfigException(ConfigKeys.find(key) == null ? null : key, "--" + key + " needs a value");
      }
      if (key.equals("config")) {
        if (file != null) {
          throw new ConfigException(null, "--config is given twice");
        }
        file = value;
        continue;
      }
      if (ConfigKeys.find(key) == null) {
        throw unknown(key, "--" + key);
      }
      if (flags.put(key, new Setting(value, "--" + key)) != null) {
        throw new ConfigException(key, key + " is given twice [from --" + key + "]");
      }
    }
    return file;
  }

  private static Map<String, Setting> fromEnv(Map<String, String> env) {
    Map<String, String> byEnvName = new LinkedHashMap<>();
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      byEnvName.put(k.env(), k.name());
    }
    Map<String, Setting> out = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(env.keySet());
    names.sort(null);
    for (String var : names) {
      if (!var.startsWith("HERALD_") || var.equals(CONFIG_ENV)) {
        continue;
      }
      String key = byEnvName.get(var);
      if (key == null) {
        throw new ConfigException(null, "environment variable " + var + " is not a Herald setting"
            + suggestion(var, byEnvName.keySet()) + " (variables are HERALD_<KEY>, see --help)");
      }
      out.put(key, new Setting(env.get(var), var));
    }
    return out;
  }

  private static String suggestion(String var, Set<String> envNames) {
    String close = ConfigKeys.closest(var, envNames);
    return close == null ? "" : "; did you mean " + close + "?";
  }

  static ConfigException unknown(String key, String origin) {
    String close = ConfigKeys.closest(key);
    return new ConfigException(key, "unknown configuration key '" + key + "' [from " + origin + "]"
        + (close == null ? "" : "; did you mean " + close + "?") + " (see --help for every key)");
  }

  private static HeraldConfig build(Map<String, Setting> settings) {
    for (Map.Entry<String, Setting> e : settings.entrySet()) {
      if (ConfigKeys.find(e.getKey()) == null) {
        throw unknown(e.getKey(), e.getValue().origin() == null ? "the map" : e.getValue().origin());
      }
    }
    return new ConfigBuilder(settings).build();
  }
}
