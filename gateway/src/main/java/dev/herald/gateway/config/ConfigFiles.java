package dev.herald.gateway.config;

import dev.herald.gateway.config.ConfigValues.Setting;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads a configuration file (YAML, or JSON when the name ends in {@code .json}) into dotted keys.
 * Nested maps and dotted keys are both accepted, and may be mixed; a key given twice is an error.
 */
final class ConfigFiles {
  private static final int MAX_FILE_CHARS = 1024 * 1024;

  private ConfigFiles() {
  }

  /** The file's settings by dotted key; values are as YAML/JSON gives them (maps kept for JSON keys). */
  static Map<String, Setting> read(Path file) {
    String origin = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(null, "--config " + origin + ": no such file");
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(null, "--config " + origin + ": cannot read it (" + e.getMessage() + ")");
    }
    Object root = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
        ? json(text, origin) : yaml(text, origin);
    Map<String, Setting> out = new LinkedHashMap<>();
    if (root == null) {
      return out;
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new ConfigException(null, "--config " + origin + ": the file must hold a map of settings");
    }
    flatten("", map, out, origin);
    return out;
  }

  /** Adds nested maps as dotted keys; keeps a map whole where the key itself takes a JSON object. */
  static void flatten(String prefix, Map<?, ?> map, Map<String, Setting> out, String origin) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String k) || k.isBlank()) {
        throw new ConfigException(null, "a configuration key must be text, not " + e.getKey() + " [from " + origin + "]");
      }
      String full = prefix.isEmpty() ? k : prefix + "." + k;
      Object v = e.getValue();
      if (v instanceof JsonObject jo) {
        v = jo.getMap();
      } else if (v instanceof io.vertx.core.json.JsonArray ja) {
        v = ja.getList();
      }
      ConfigKeys.Key known = ConfigKeys.find(full);
      if (v instanceof Map<?, ?> nested && known == null) {
        flatten(full, nested, out, origin);
      } else if (v != null) {
        if (out.put(full, new Setting(v, origin)) != null) {
          throw new ConfigException(full, full + " is given twice [from " + origin + "]");
        }
      }
    }
  }

  private static Object json(String text, String origin) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return new JsonObject(text).getMap();
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException(null, "--config " + origin + ": not a JSON object (" + firstLine(e.getMessage()) + ")");
    }
  }

  private static Object yaml(String text, String origin) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setCodePointLimit(MAX_FILE_CHARS);
    options.setAllowRecursiveKeys(false);
    try {
      return new Yaml(new SafeConstructor(options)).load(text);
    } catch (RuntimeException e) {
      throw new ConfigException(null, "--config " + origin + ": not valid YAML (" + firstLine(e.getMessage()) + ")");
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
