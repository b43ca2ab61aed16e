package dev.herald.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Herald's load tool. {@code bench MODE [--key value ...]} runs one bounded benchmark against SSE
 * servers on this machine and prints a table (stderr) and one JSON line (stdout). Modes:
 * {@code fanout}, {@code idle}, {@code replay-storm}, {@code heartbeat}, {@code publish};
 * {@code --help} lists the options. {@code chart} and {@code summary} read collected JSON lines
 * instead (see {@link dev.herald.bench.chart.ChartMain}); {@code merge} joins the parts of one run that several
 * processes measured side by side (see {@link Merge}). Exit status: 0 clean run, 1 the run found lost / doubled /
 * reordered events or errors, 2 bad options or limits, 3 the run failed (e.g. the server went away),
 * 4 stopped by {@code --max-seconds}.
 */
public final class Bench {
  private static final long T0 = System.nanoTime();

  private Bench() {
  }

  /** Entry point. */
  public static void main(String[] args) {
    if (args.length > 0 && dev.herald.bench.chart.ChartMain.handles(args[0])) {
      System.exit(dev.herald.bench.chart.ChartMain.run(args)); // offline: chart / summary of --out files
    }
    if (args.length > 0 && Merge.handles(args[0])) {
      System.exit(Merge.run(args)); // offline: several processes' parts of one run as one line
    }
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(Options.help());
        return;
      }
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      if (args.length == 0) {
        System.err.print(Options.help());
      } else {
        System.err.println("bench: --help lists the modes and options");
      }
      System.exit(2);
      return;
    }
    long maxSeconds = options.num("max-seconds");
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(maxSeconds * 1000);
        System.err.println("bench: stopped after " + maxSeconds + " s (--max-seconds)");
        Runtime.getRuntime().halt(4);
      } catch (InterruptedException e) {
        // the run ended first
      }
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    int status;
    try (Run run = new Run(options)) {
      Report report = switch (options.mode()) {
        case "fanout" -> FanoutMode.run(run, false);
        case "publish" -> FanoutMode.run(run, true);
        case "idle" -> IdleMode.run(run);
        case "replay-storm" -> ReplayStormMode.run(run);
        case "heartbeat" -> HeartbeatMode.run(run);
        default -> throw new IllegalArgumentException("unknown mode " + options.mode());
      };
      String json = report.jsonLine();
      System.err.print(report.table());
      System.err.println();
      System.out.println(json);
      System.out.flush();
      if (options.has("out")) {
        Files.writeString(Path.of(options.str("out")), json + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      status = Boolean.TRUE.equals(report.get("ok")) ? 0 : 1;
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      status = 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 4;
    } catch (IOException e) {
      System.err.println("bench: cannot write --out: " + e.getMessage());
      status = 2;
    } catch (RuntimeException e) {
      System.err.println("bench: the run failed: " + e);
      e.printStackTrace();
      status = 3;
    }
    watchdog.interrupt();
    System.exit(status);
  }

  /** A progress line on stderr, with the seconds since start. */
  static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[bench %6.1fs] %s%n", (System.nanoTime() - T0) / 1e9,
        String.format(Locale.ROOT, format, args));
  }
}
