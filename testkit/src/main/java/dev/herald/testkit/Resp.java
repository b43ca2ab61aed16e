package dev.herald.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny blocking RESP2 client for test control commands (PING, FLUSHALL, INFO, CLUSTER INFO). One
 * connection per call keeps it stateless and safe from any test thread; never used on an event loop.
 */
final class Resp {
  private Resp() {
  }

  /**
   * Sends one command to {@code 127.0.0.1:port} and answers its reply: a {@code String} (simple or
   * bulk), a {@code Long}, a {@code List<Object>}, or {@code null}. With a {@code password}, sends
   * {@code AUTH} first.
   *
   * @throws RedisCommandException when Redis answers an error
   * @throws IOException when the server cannot be reached or does not answer within {@code timeoutMs}
   */
  static Object call(int port, int timeoutMs, String password, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null) {
        out.write(encode("AUTH", password));
        out.flush();
        read(in);
      }
      out.write(encode(args));
      out.flush();
      return read(in);
    }
  }

  private static byte[] encode(String... args) {
    StringBuilder sb = new StringBuilder();
    sb.append('*').append(args.length).append("\r\n");
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed before a reply");
    }
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RedisCommandException(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int len = Integer.parseInt(line);
        if (len < 0) {
          return null;
        }
        byte[] data = in.readNBytes(len + 2);
        if (data.length < len + 2) {
          throw new EOFException("connection closed inside a bulk reply");
        }
        return new String(data, 0, len, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read(in));
        }
        return items;
      }
      default:
        throw new IOException("unexpected RESP type byte " + type);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
    int prev = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed inside a reply line");
      }
      if (prev == '\r' && c == '\n') {
        byte[] b = buf.toByteArray();
        return new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
      }
      buf.write(c);
      prev = c;
    }
  }
}
