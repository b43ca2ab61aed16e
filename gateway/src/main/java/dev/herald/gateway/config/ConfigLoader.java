package dev.herald.gateway.config;

import dev.herald.gateway.config.ConfigValues.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the node's {@link HeraldConfig} (README.md#configuration): the file given by {@code --config} (YAML or JSON),
 * then {@code HERALD_…} environment variables, then {@code --key=value} / {@code --key value} flags,
 * each overriding the one before. Every value is checked; the first problem stops with a
 * {@link ConfigException} whose message names the key.
 */
public final class ConfigLoader {
  /** The environment variable naming a configuration file when no {@code --config} flag is given. */
  public static final String CONFIG_ENV = "HERALD_CONFIG";
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  /**
   * The variables Kubernetes gives a pod for every Service of its namespace (service links), named
   * after the Service: {@code <SVC>_SERVICE_HOST}, {@code <SVC>_SERVICE_PORT[_<PORTNAME>]}, and the
   * Docker-link style {@code <SVC>_PORT=tcp://ip:port}, {@code <SVC>_PORT_<n>_<PROTO>[_PROTO|_PORT|_ADDR]}.
   * A Service named {@code herald…} makes them {@code HERALD_…}; they are never settings. The shapes that
   * could also be a mistyped setting are only taken for service links when their value has the shape
   * Kubernetes gives them.
   */
  private static final Pattern SERVICE_HOST = Pattern.compile("[A-Z0-9_]+_SERVICE_HOST");
  private static final Pattern SERVICE_PORT = Pattern.compile("[A-Z0-9_]+_SERVICE_PORT(_[A-Z0-9_]+)?");
  private static final Pattern LINK_PORT = Pattern.compile("[A-Z0-9_]+_PORT");
  private static final Pattern LINK_PORT_DETAIL = Pattern.compile("[A-Z0-9_]+_PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?");
  private static final Pattern LINK_URL = Pattern.compile("(tcp|udp|sctp)://[^\\s]+:[0-9]+");

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
    List<String> links = new ArrayList<>();
    List<String> names = new ArrayList<>(env.keySet());
    names.sort(null);
    for (String var : names) {
      if (!var.startsWith("HERALD_") || var.equals(CONFIG_ENV)) {
        continue;
      }
      String key = byEnvName.get(var);
      if (key == null && isServiceLink(var, env.get(var))) {
        links.add(var);
        continue;
      }
      if (key == null) {
        throw new ConfigException(null, "environment variable " + var + " is not a Herald setting"
            + suggestion(var, byEnvName.keySet()) + " (variables are HERALD_<KEY>, see --help)");
      }
      if (LINK_URL.matcher(env.get(var).trim()).matches() && ConfigKeys.find(key).type() == ConfigKeys.Type.INT) {
        // A Service named after a port setting (e.g. "herald-cluster" gives HERALD_CLUSTER_PORT=tcp://…):
        // no port is written that way, so it is a service link, not the user's setting.
        LOG.warn("ignoring {}={}: a Kubernetes service link of a Service named like this setting, not a port",
            var, env.get(var));
        continue;
      }
      out.put(key, new Setting(env.get(var), var));
    }
    if (!links.isEmpty()) {
      LOG.debug("ignoring Kubernetes service-link variables {}", links);
    }
    return out;
  }

  /**
   * True when {@code var} (not a setting) has the shape of a Kubernetes service-link variable, so a pod
   * whose namespace has a Service named {@code herald…} starts (docs/deploy.md).
   */
  static boolean isServiceLink(String var, String value) {
    String v = value == null ? "" : value.trim();
    if (SERVICE_HOST.matcher(var).matches()) {
      return true;
    }
    if (SERVICE_PORT.matcher(var).matches() || LINK_PORT_DETAIL.matcher(var).matches()) {
      return !var.endsWith("_PORT") || v.chars().allMatch(Character::isDigit);
    }
    return LINK_PORT.matcher(var).matches() && LINK_URL.matcher(v).matches();
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
