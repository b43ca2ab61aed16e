package dev.herald.gateway.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The container image of the jar under test, for a pod that runs the image's entrypoint: built in the
 * background by {@code deploy/image/build-image.sh --jar} (its Debian base is cached under
 * {@code target/image} and rebuilt only when its inputs change) where this machine can build it, while the
 * test goes on. {@code herald.podsim.image} chooses: unset or {@code build} (build when possible),
 * {@code off}, or the path of a tarball built before.
 */
final class ImageBuild {
  private final Path tarball;
  private final HeraldProcess build;
  private final String note;

  private ImageBuild(Path tarball, HeraldProcess build, String note) {
    this.tarball = tarball;
    this.build = build;
    this.note = note;
  }

  /** Starts the build, or says why there is no image. */
  static ImageBuild start(Path root, Path dir) {
    String choice = System.getProperty("herald.podsim.image", "build");
    if (choice.equals("off")) {
      return new ImageBuild(null, null, "off (herald.podsim.image=off)");
    }
    if (!choice.equals("build") && !choice.isBlank()) {
      return new ImageBuild(Path.of(choice), null, choice);
    }
    String missing = missingTools();
    if (missing != null) {
      return new ImageBuild(null, null, "not built here: " + missing);
    }
    Path out = dir.resolve("herald-image.tar");
    Map<String, String> env = new TreeMap<>(System.getenv());
    String repo = System.getProperty("maven.repo.local");
    if (repo != null) {
      // Jib runs on the same local repository as the build under test.
      env.put("MAVEN_OPTS", (env.getOrDefault("MAVEN_OPTS", "") + " -Dmaven.repo.local=" + repo).trim());
    }
    HeraldProcess p = HeraldProcess.launch("build-image", dir, List.of(root.resolve("deploy/image/build-image.sh")
        .toString(), "--jar", HeraldProcess.jar().toString(), "--out", out.toString()), env, "-", 0, 0);
    return new ImageBuild(out, p, null);
  }

  /** The tarball once built (null when there is none; {@link #note()} says why). */
  Path await(Duration within) {
    if (build != null) {
      int exit = build.awaitExit(within);
      if (exit != 0) {
        throw new AssertionError("deploy/image/build-image.sh failed (exit " + exit + "):\n" + build.logTail(30));
      }
    }
    return tarball;
  }

  /** Why there is no image, or where it came from. */
  String note() {
    return note != null ? note : "built by deploy/image/build-image.sh --jar (" + tarball + ")";
  }

  /** Null when build-image.sh can run here, else what is missing. */
  private static String missingTools() {
    for (String tool : List.of("apt-get", "apt-cache", "dpkg-deb", "dpkg", "mvn", "python3", "unshare", "chroot")) {
      if (!onPath(tool)) {
        return tool + " is missing";
      }
    }
    Path jdk = Path.of(System.getenv().getOrDefault("JDK17_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"));
    if (!Files.isRegularFile(jdk.resolve("jmods/java.base.jmod"))) {
      return "no JDK 17 with jmods at " + jdk + " (JDK17_HOME)";
    }
    return null;
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
