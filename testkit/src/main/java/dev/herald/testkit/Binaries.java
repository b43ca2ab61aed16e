package dev.herald.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the Redis executables on the {@code PATH}; a missing one fails with a message that says how to get it. */
final class Binaries {
  private Binaries() {
  }

  /** The path of {@code name} on the {@code PATH}. @throws IllegalStateException when it is not installed */
  static String require(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    throw new IllegalStateException(name + " not found: bin/test installs it (apt-get install -y redis-server)");
  }
}
