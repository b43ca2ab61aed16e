package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every reference to a place in the repo's own documents ({@code guarantees.md#g3}, {@code README.md#configuration},
 * in code comments and in the docs alike) names a document that exists and an anchor it has: an explicit
 * {@code <a id>} or a heading (GitHub's slug of it).
 */
@Timeout(60)
class DocLinksTest {
  private static final Pattern REFERENCE = Pattern.compile("([A-Za-z0-9_./-]*[A-Za-z0-9_-]+\\.md)#([A-Za-z0-9_-]+)");
  private static final Pattern EXPLICIT = Pattern.compile("<a id=\"([^\"]+)\"");
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

  @Test
  void everyReferenceToADocumentPointsAtARealAnchor() throws IOException {
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path file : sources()) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Matcher m = REFERENCE.matcher(text);
      while (m.find()) {
        checked++;
        Path doc = resolve(file, m.group(1));
        if (doc == null) {
          broken.add(ROOT.relativize(file) + ": " + m.group() + " (no such document)");
        } else if (!anchors.computeIfAbsent(doc, DocLinksTest::anchorsOf).contains(m.group(2))) {
          broken.add(ROOT.relativize(file) + ": " + m.group() + " (no such anchor in " + ROOT.relativize(doc) + ")");
        }
      }
    }
    assertEquals(List.of(), broken, "of " + checked + " references");
    assertTrue(checked >= 20, "the scan found only " + checked + " references: is it reading the repo?");
  }

  /** The repo's Markdown and Java files, outside build output and tools. */
  private static List<Path> sources() throws IOException {
    try (Stream<Path> all = Files.walk(ROOT)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".java"))
          .filter(p -> {
            String rel = ROOT.relativize(p).toString();
            return !rel.contains("target/") && !rel.contains("node_modules/") && !rel.startsWith(".");
          })
          .toList();
    }
  }

  /** The document a reference names: beside the referring file, else from the root, else in docs/. */
  private static Path resolve(Path from, String name) {
    for (Path candidate : List.of(from.getParent().resolve(name), ROOT.resolve(name), ROOT.resolve("docs").resolve(name))) {
      Path p = candidate.normalize();
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static Set<String> anchorsOf(Path doc) {
    Set<String> out = new HashSet<>();
    try {
      for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
        Matcher m = EXPLICIT.matcher(line);
        while (m.find()) {
          out.add(m.group(1));
        }
        if (line.startsWith("#")) {
          out.add(slug(line.replaceFirst("^#+\\s*", "")));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped (but - and _), spaces to hyphens. */
  static String slug(String heading) {
    return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}
