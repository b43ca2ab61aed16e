package dev.herald.gateway.chaos;

import dev.herald.testkit.JavaProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Pods of a rendered overlay, started as the kubelet would start them, in a {@link NetLab}: one pod
 * network (a bridge the test's clients reach), a Redis pod answering the overlay's Redis Service name,
 * and Herald pods. For each pod {@code deploy/check/pod-env.mjs} renders the overlay and computes the
 * container's environment as the kubelet does (its env with {@code $(VAR)}, the downward API with the
 * pod's IP and namespace, service links when asked); the pod gets its own namespace whose
 * {@code /etc/hosts} answers the headless Service's DNS name with every pod's IP, as cluster DNS does
 * ({@code publishNotReadyAddresses}); and the program runs as the container's user, on a read-only root
 * with a tmpfs per {@code emptyDir} when the manifest says so — from {@code herald.jar} with this JVM's
 * java, or the image's entrypoint under chroot ({@code deploy/image/try-image.sh --run}).
 */
final class PodLab {
  /** The pod network's addresses: host .1, Redis .2, pods from .10. */
  private static final int FIRST_POD = 10;
  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** One Herald pod: its name, namespace, IP, what the kubelet gave it, and the running program. */
  record Pod(String name, String namespace, String ip, JsonObject spec, boolean fromImage, HeraldProcess process) {
    int graceSeconds() {
      return spec.getInteger("terminationGracePeriodSeconds");
    }
  }

  private final NetLab lab;
  private final Path dir;
  private final Path root;
  private final String overlay;
  private final NetLab.Bridge net;
  private final String namespace;
  private final String headless;
  private final String redisIp;
  /** Pods in the headless Service's answer, in start order. */
  private final List<Pod> endpoints = new CopyOnWriteArrayList<>();
  private final List<Pod> all = new ArrayList<>();
  private final JsonObject first;
  private int started;

  /** The pod network and the overlay's Redis (its Service name and port, from the rendered Services). */
  PodLab(NetLab lab, Path dir, Path root, String overlay) {
    this.lab = lab;
    this.dir = dir;
    this.root = root;
    this.overlay = overlay;
    this.net = lab.reachableBridge("p");
    this.redisIp = net.subnet() + ".2";
    this.first = podEnv("probe", redisIp, null);
    this.namespace = first.getString("namespace");
    this.headless = env(first).get("HERALD_CLUSTER_SERVICE");
    JsonObject redisService = services(first).stream().filter(s -> s.getString("name").contains("redis")).findFirst()
        .orElseThrow(() -> new IllegalStateException("overlay " + overlay + " has no Redis Service"));
    int redisPort = redisService.getJsonArray("ports").getJsonObject(0).getInteger("port");
    String redisNs = lab.namespace(redisService.getString("name"));
    lab.link(redisNs, net, "eth0", redisIp + "/24");
    LabCluster.redis(redisNs, redisIp, redisPort, dir, "redis");
  }

  /** The overlay's namespace ({@code metadata.namespace} of its objects). */
  String namespace() {
    return namespace;
  }

  /**
   * Starts a pod: its namespace, address and hosts file, the kubelet's environment (service links as the
   * manifest says, or on when {@code serviceLinks}), and the program (the image's entrypoint when
   * {@code image} is a built image tarball, else {@code herald.jar}). Every pod's hosts file then lists it
   * under the headless Service's name.
   */
  Pod start(String name, Boolean serviceLinks, Path image) {
    String ns = lab.namespace(name);
    String ip = net.subnet() + "." + (FIRST_POD + started++);
    lab.link(ns, net, "eth0", ip + "/24");
    JsonObject spec = podEnv(name, ip, serviceLinks);
    Map<String, String> env = env(spec);
    Path envFile = dir.resolve(name + ".env");
    write(envFile, String.join("\n", env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + "\n");
    int port = spec.getJsonObject("ports").getInteger("http");
    Pod pod = new Pod(name, ns, ip, spec, image != null, null);
    endpoints.add(pod);
    endpoints.forEach(this::writeHosts);
    List<String> command = new ArrayList<>(List.of("/usr/sbin/ip", "netns", "exec", ns,
        // the pod's own hostname (its name), as in a pod
        "/usr/bin/unshare", "--uts", "/bin/sh", "-c", "hostname \"$0\" && exec \"$@\"", name));
    command.addAll(image != null ? imageCommand(spec, envFile, image, ns) : jarCommand(spec));
    HeraldProcess process = HeraldProcess.launch(name, dir, command, image != null ? null : withPath(env), ip, port, 0);
    Pod running = new Pod(name, ns, ip, spec, image != null, process);
    endpoints.set(endpoints.indexOf(pod), running);
    all.add(running);
    return running;
  }

  /** Takes a terminating pod out of the headless Service's answer (its endpoints), as Kubernetes does. */
  void remove(Pod pod) {
    endpoints.removeIf(p -> p.name().equals(pod.name()));
    endpoints.forEach(this::writeHosts);
  }

  /** The pods started so far. */
  List<Pod> pods() {
    return List.copyOf(all);
  }

  /** What cluster DNS and the kubelet's /etc/hosts answer in a pod of this namespace. */
  private void writeHosts(Pod pod) {
    StringBuilder b = new StringBuilder("127.0.0.1 localhost\n").append(pod.ip()).append(' ').append(pod.name())
        .append('\n');
    for (JsonObject s : services(first)) {
      String name = s.getString("name");
      if (!"None".equals(s.getString("clusterIP")) && name.contains("redis")) {
        b.append(redisIp).append(' ').append(name).append(' ').append(name).append('.').append(namespace)
            .append(".svc.cluster.local\n");
      }
    }
    for (Pod p : endpoints) {
      b.append(p.ip()).append(' ').append(headless).append('\n');
    }
    lab.hosts(pod.namespace(), b.toString());
  }

  /**
   * {@code java -jar herald.jar} in the pod's namespace as the container's user, on a read-only root with
   * a tmpfs on each {@code emptyDir} when the manifest says so. The jar is opened (descriptor 3) before the
   * mounts and run as {@code /proc/self/fd/3}: a checkout under {@code /tmp} would otherwise be hidden by
   * the pod's own {@code /tmp}, as an image's {@code /app} never is.
   */
  private List<String> jarCommand(JsonObject spec) {
    StringBuilder mounts = new StringBuilder();
    if (spec.getBoolean("readOnlyRootFilesystem")) {
      mounts.append("mount -o remount,bind,ro / && ");
    }
    for (Object o : spec.getJsonArray("emptyDirs")) {
      JsonObject m = (JsonObject) o;
      mounts.append("mount -t tmpfs -o mode=1777,size=").append(size(m.getString("sizeLimit"))).append(" tmpfs ")
          .append(m.getString("path")).append(" && ");
    }
    List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--propagation", "private",
        "/bin/sh", "-c", "exec 3<\"$1\" && shift && " + mounts + "exec \"$@\"", "sh",
        HeraldProcess.jar().toString()));
    if (spec.getValue("runAsUser") != null) {
      command.addAll(List.of("/usr/bin/setpriv", "--reuid=" + spec.getInteger("runAsUser"),
          "--regid=" + spec.getInteger("runAsGroup", spec.getInteger("runAsUser")), "--clear-groups", "--no-new-privs"));
    }
    command.addAll(JavaProcess.javaCommand(List.of(), Path.of("/proc/self/fd/3"), List.of()));
    return command;
  }

  /** The image's entrypoint under chroot, in the pod's namespace, as the container's user. */
  private List<String> imageCommand(JsonObject spec, Path envFile, Path image, String ns) {
    List<String> command = new ArrayList<>(List.of(root.resolve("deploy/image/try-image.sh").toString(), "--run",
        "--image", image.toString(),
        "--rootfs", dir.resolve("image-rootfs-" + ns).toString(), "--env-file", envFile.toString()));
    if (spec.getValue("runAsUser") != null) {
      command.addAll(List.of("--user", spec.getInteger("runAsUser") + ":" + spec.getInteger("runAsGroup",
          spec.getInteger("runAsUser"))));
    }
    for (Object o : spec.getJsonArray("emptyDirs")) {
      JsonObject m = (JsonObject) o;
      if ("/tmp".equals(m.getString("path"))) {
        command.addAll(List.of("--tmp-size", size(m.getString("sizeLimit"))));
      }
    }
    return command;
  }

  /** The output of {@code deploy/check/pod-env.mjs} for one pod. */
  private JsonObject podEnv(String pod, String ip, Boolean serviceLinks) {
    Path check = root.resolve("deploy/check");
    if (!Files.isDirectory(check.resolve("node_modules"))) {
      NetLab.run(check, List.of("npm", "ci", "--silent", "--prefer-offline", "--no-audit", "--no-fund"), true);
    }
    List<String> cmd = new ArrayList<>(List.of("node", "pod-env.mjs", "--overlay", overlay, "--pod", pod, "--ip", ip));
    if (serviceLinks != null) {
      cmd.addAll(List.of("--service-links", serviceLinks ? "on" : "off"));
    }
    return new JsonObject(NetLab.run(check, cmd, true));
  }

  /** The environment as the kubelet computed it, in order. */
  static Map<String, String> env(JsonObject spec) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Object o : spec.getJsonArray("env")) {
      JsonArray kv = (JsonArray) o;
      env.put(kv.getString(0), kv.getString(1));
    }
    return env;
  }

  private static List<JsonObject> services(JsonObject spec) {
    List<JsonObject> out = new ArrayList<>();
    spec.getJsonArray("services").forEach(o -> out.add((JsonObject) o));
    return out;
  }

  /** The pod's environment plus what the image sets (a search path and a locale) for the jar's JVM. */
  private static Map<String, String> withPath(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("PATH", PATH);
    out.put("LANG", "C.UTF-8");
    out.putAll(env);
    return out;
  }

  /** A Kubernetes quantity (256Mi) as a tmpfs size (256m). */
  private static String size(String quantity) {
    if (quantity == null) {
      return "256m";
    }
    return quantity.replace("Mi", "m").replace("Gi", "g").replace("Ki", "k");
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
