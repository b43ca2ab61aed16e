package dev.herald.gateway;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads what the node logs: slf4j-simple writes to {@code System.out} (see {@code simplelogger.properties}),
 * so while a tap is installed every byte written there is also kept here. Install it around the part of a
 * test whose log lines it checks; {@link #close()} puts the original stream back.
 */
final class LogTap implements AutoCloseable {
  private final PrintStream original;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

  private LogTap() {
    original = System.out;
    OutputStream both = new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        synchronized (kept) {
          kept.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        synchronized (kept) {
          kept.write(b, off, len);
        }
      }

      @Override
      public void flush() {
        original.flush();
      }
    };
    System.setOut(new PrintStream(both, true, StandardCharsets.UTF_8));
  }

  static LogTap install() {
    return new LogTap();
  }

  /** The lines logged since the tap was installed. */
  List<String> lines() {
    synchronized (kept) {
      return kept.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** How many logged lines contain {@code text}. */
  long count(String text) {
    return lines().stream().filter(l -> l.contains(text)).count();
  }

  @Override
  public void close() {
    System.setOut(original);
  }
}
