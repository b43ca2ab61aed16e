package dev.herald.gateway.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network of our own, as root, with {@code ip}: network namespaces (one per node or pod), Linux
 * bridges, and veth pairs between them; links go down and up to cut and heal. Every name starts with
 * this lab's prefix — {@code herald.netns.tag} (default {@code hn}), the test JVM's PID and a counter —
 * so runs side by side never meet, and {@link #close()} (also from a JVM shutdown hook) removes exactly
 * what it made: namespaces, bridges, host ends of veths and {@code /etc/netns/<namespace>/}. Addresses
 * inside namespaces are private to them; only a bridge with a host address (where the test's clients
 * live) takes a /24 from 10.0.0.0/8, one no interface of this machine uses.
 */
final class NetLab implements AutoCloseable {
  private static final AtomicInteger LABS = new AtomicInteger();
  private static final Set<NetLab> OPEN = ConcurrentHashMap.newKeySet();
  private static final Pattern ADDR = Pattern.compile("inet 10\\.(\\d+)\\.(\\d+)\\.");

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(NetLab::close), "herald-netlab-cleanup"));
  }

  /** One bridge: its name and, for one the test reaches, its /24 ("10.a.b") and the host's address in it. */
  record Bridge(String name, String subnet) {
    String host() {
      return subnet + ".1";
    }
  }

  /** One end of a veth in a namespace, reached from the host side {@code hostEnd} on a bridge. */
  record Link(String namespace, String hostEnd, String address) {
  }

  private final String prefix;
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> bridges = new ArrayList<>();
  private final List<String> veths = new ArrayList<>();
  private int links;
  private boolean closed;

  private NetLab(String prefix) {
    this.prefix = prefix;
  }

  /**
   * Null when this machine can run a lab (root, {@code ip}) and it is not turned off
   * ({@code -Dherald.netns=off}), else why not.
   */
  static String unavailable() {
    if ("off".equals(System.getProperty("herald.netns"))) {
      return "turned off (-Dherald.netns=off)";
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
        && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
      return "the ip command (iproute2) is missing";
    }
    return null;
  }

  static NetLab create() {
    String tag = System.getProperty("herald.netns.tag", "hn");
    if (LABS.get() == 0) {
      sweep(tag);
    }
    NetLab lab = new NetLab(tag + ProcessHandle.current().pid() + "x" + LABS.incrementAndGet());
    OPEN.add(lab);
    return lab;
  }

  /**
   * Removes what labs of test JVMs that no longer run left behind (one killed before its clean-up ran):
   * namespaces and links whose names carry {@code tag} and a PID that is gone. Anything of a running
   * process, or not named this way, is left alone.
   */
  private static void sweep(String tag) {
    Pattern ours = Pattern.compile("^" + Pattern.quote(tag) + "(\\d+)x\\d+");
    for (String line : run(List.of("ip", "netns", "list"), false).split("\n")) {
      String ns = line.split(" ")[0].trim();
      if (gone(ours, ns)) {
        removeNamespace(ns);
      }
    }
    for (String line : run(List.of("ip", "-o", "link"), false).split("\n")) {
      String[] parts = line.split(":\\s+", 3);
      if (parts.length > 1) {
        String link = parts[1].split("@")[0];
        if (gone(ours, link)) {
          quietly("link", "del", link);
        }
      }
    }
  }

  /** Deletes a namespace and its {@code /etc/netns} files. */
  private static void removeNamespace(String ns) {
    quietly("netns", "del", ns);
    Path dir = Path.of("/etc/netns", ns);
    try {
      Files.deleteIfExists(dir.resolve("hosts"));
      Files.deleteIfExists(dir.resolve("resolv.conf"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // best effort: what is left is swept by the next lab
    }
  }

  private static boolean gone(Pattern ours, String name) {
    Matcher m = ours.matcher(name);
    return m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true);
  }

  String prefix() {
    return prefix;
  }

  /** A namespace {@code <prefix>-<name>} with its loopback up. */
  synchronized String namespace(String name) {
    String ns = prefix + "-" + name;
    ip("netns", "add", ns);
    namespaces.add(ns);
    ip("-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /** A bridge with no host address: what its namespaces say to each other stays among them. */
  synchronized Bridge bridge(String name) {
    return bridge(name, null);
  }

  /** A bridge the host (the test's clients) reaches too, at {@code <subnet>.1}. */
  synchronized Bridge reachableBridge(String name) {
    return bridge(name, freeSubnet());
  }

  private Bridge bridge(String name, String subnet) {
    String br = prefix + name;
    check(br);
    ip("link", "add", br, "type", "bridge");
    bridges.add(br);
    if (subnet != null) {
      ip("addr", "add", subnet + ".1/24", "dev", br);
    }
    ip("link", "set", br, "up");
    return new Bridge(br, subnet);
  }

  /** Joins {@code namespace} to {@code bridge} by a new veth: {@code ifname} in the namespace, with {@code cidr}. */
  synchronized Link link(String namespace, Bridge bridge, String ifname, String cidr) {
    String hostEnd = prefix + "v" + (++links);
    check(hostEnd);
    ip("link", "add", hostEnd, "type", "veth", "peer", "name", ifname, "netns", namespace);
    veths.add(hostEnd);
    ip("link", "set", hostEnd, "master", bridge.name(), "up");
    ip("-n", namespace, "addr", "add", cidr, "dev", ifname);
    ip("-n", namespace, "link", "set", ifname, "up");
    return new Link(namespace, hostEnd, cidr.substring(0, cidr.indexOf('/')));
  }

  /** Cuts a link: its host end goes down, so nothing passes either way (a clean partition). */
  void cut(Link link) {
    ip("link", "set", link.hostEnd(), "down");
  }

  /** Heals a cut link. */
  void heal(Link link) {
    ip("link", "set", link.hostEnd(), "up");
  }

  /**
   * Writes {@code /etc/netns/<namespace>/hosts}, which {@code ip netns exec} mounts over {@code /etc/hosts}
   * for what it runs: a name on several lines resolves to every address. Written in place, so a process
   * already running sees a change.
   */
  synchronized void hosts(String namespace, String content) {
    try {
      Path dir = Path.of("/etc/netns", namespace);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("hosts"), content, StandardCharsets.UTF_8);
      Path resolv = dir.resolve("resolv.conf");
      if (!Files.exists(resolv)) {
        // No name server: what the hosts file does not answer does not resolve (no lookups leave the lab).
        Files.writeString(resolv, "options timeout:1 attempts:1\n", StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command prefix that runs a program in {@code namespace}. */
  static List<String> in(String namespace) {
    return List.of("ip", "netns", "exec", namespace);
  }

  /** Removes what this lab made, even when parts of it are already gone; safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    OPEN.remove(this);
    namespaces.forEach(NetLab::removeNamespace);
    for (String v : veths) {
      quietly("link", "del", v);
    }
    for (String b : bridges) {
      quietly("link", "del", b);
    }
  }

  /** A 10.a.b /24 no address of this machine is in, picked from this JVM's PID onwards. */
  private static String freeSubnet() {
    Set<String> used = ConcurrentHashMap.newKeySet();
    Matcher m = ADDR.matcher(run(List.of("ip", "-4", "addr"), false));
    while (m.find()) {
      used.add(m.group(1) + "." + m.group(2));
    }
    Matcher r = Pattern.compile("(?m)^10\\.(\\d+)\\.(\\d+)\\.").matcher(run(List.of("ip", "-4", "route"), false));
    while (r.find()) {
      used.add(r.group(1) + "." + r.group(2));
    }
    long start = ProcessHandle.current().pid() * 7 + LABS.get() * 13L;
    for (int i = 0; i < 200 * 250; i++) {
      long n = (start + i) % (200 * 250);
      String ab = (20 + n / 250) + "." + (1 + n % 250);
      if (!used.contains(ab)) {
        return "10." + ab;
      }
    }
    throw new IllegalStateException("no free 10.x.y.0/24 on this machine");
  }

  private static void check(String ifname) {
    if (ifname.length() > 15) {
      throw new IllegalStateException("interface name " + ifname + " is longer than 15 characters");
    }
  }

  private static void ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    run(cmd, true);
  }

  private static void quietly(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    run(cmd, false);
  }

  /** Runs a short command; its output, or a failure with it when {@code strict} and it did not exit 0. */
  static String run(List<String> cmd, boolean strict) {
    return run(null, cmd, strict);
  }

  /**
   * Runs a short command in {@code dir} (null: this JVM's); its standard output, or, when {@code strict}
   * and it did not exit 0 within two minutes, a failure with its output and errors (its errors are not returned).
   */
  static String run(Path dir, List<String> cmd, boolean strict) {
    try {
      ProcessBuilder b = new ProcessBuilder(cmd);
      if (dir != null) {
        b.directory(dir.toFile());
      }
      Process p = b.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + ": no exit within 120 s");
      }
      if (strict && p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + (out + err).trim());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Skips the calling test class when {@link #unavailable()} says so. */
  static void assumeAvailable(String what) {
    String why = unavailable();
    org.junit.jupiter.api.Assumptions.assumeTrue(why == null, () -> what + " skipped: " + why);
  }
}
