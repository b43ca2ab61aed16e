package dev.herald.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's configuration table says what the loader does: every key, its default and variable, nothing else. */
@Timeout(30)
class ConfigDocsTest {

  private static Map<String, List<String>> readmeRows() throws IOException {
    Path readme = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(readme)) {
      if (!line.startsWith("| `")) {
        continue;
      }
      List<String> cells = List.of(line.substring(1, line.length() - 1).split(" \\| ", -1)).stream()
          .map(String::trim).toList();
      String key = cells.get(0).replace("⁺", "").replace("`", "").trim();
      rows.put(key, cells);
    }
    return rows;
  }

  @Test
  void readmeTableMatchesTheKeys() throws IOException {
    Map<String, List<String>> rows = readmeRows();
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      List<String> row = rows.get(k.name());
      assertTrue(row != null, "README has no row for " + k.name());
      assertEquals(k.addition(), row.get(0).contains("⁺"), "addition mark of " + k.name());
      String def = k.defaultText().isEmpty() ? "none" : "`" + k.defaultText() + "`";
      assertEquals(def, row.get(1), "default of " + k.name());
      assertEquals("`" + k.env() + "`", row.get(2), "variable of " + k.name());
    }
    assertEquals(ConfigKeys.all().size(), rows.size(), "README rows " + rows.keySet());
  }
}
