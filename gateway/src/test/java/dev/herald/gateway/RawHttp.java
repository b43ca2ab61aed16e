package dev.herald.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 connection over a plain socket, for what an HTTP client library will not send: oversized
 * lines, bare CRs, both Content-Length and Transfer-Encoding, bytes that trickle. Blocking; runs on the test
 * thread. Every answer it reads is checked against the OpenAPI document ({@link OpenApiContract}).
 */
final class RawHttp implements AutoCloseable {
  static final Duration READ = Duration.ofSeconds(10);

  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private boolean eof;

  /** An answer as read from the wire. */
  record Answer(String statusLine, int status, MultiMap headers, Buffer body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  RawHttp(int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) READ.toMillis());
      in = socket.getInputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends bytes as they are. */
  RawHttp send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends a request and reads its answer, checking it against the OpenAPI document. */
  static Answer exchange(int port, String request) {
    try (RawHttp c = new RawHttp(port)) {
      return c.send(request).read(methodOf(request), uriOf(request));
    }
  }

  /**
   * Reads one answer (head, then a body of Content-Length bytes or chunks, or up to the end of the stream)
   * and checks it against the OpenAPI document as the answer to {@code method uri}.
   */
  Answer read(String method, String uri) {
    Answer a = readUnchecked(method);
    OpenApiContract.get().check(method, uri, a.status(), a.headers(), a.body(), false);
    return a;
  }

  /** Reads one answer to a {@code method} request, without checking it against the OpenAPI document. */
  Answer readUnchecked(String method) {
    String head = readHead();
    String[] lines = head.split("\r\n");
    String statusLine = lines[0];
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
    }
    Buffer body;
    if (method.equals("HEAD") || status == 204 || status == 304) {
      body = Buffer.buffer();
    } else if (headers.contains("Content-Length")) {
      body = Buffer.buffer(readExactly(Integer.parseInt(headers.get("Content-Length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
      body = null; // a stream: its head is what is checked here
    } else {
      body = Buffer.buffer(readToEnd());
    }
    return new Answer(statusLine, status, headers, body);
  }

  /** True when the server sent something (or closed) within {@code within}; what it sent is kept for {@link #read}. */
  boolean answeredWithin(Duration within) {
    if (pending.size() > 0 || eof) {
      return true;
    }
    try {
      socket.setSoTimeout((int) Math.max(1, within.toMillis()));
      byte[] b = new byte[8192];
      int n = in.read(b);
      if (n < 0) {
        eof = true;
      } else {
        pending.write(b, 0, n);
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      eof = true;
      return true;
    } finally {
      try {
        socket.setSoTimeout((int) READ.toMillis());
      } catch (IOException e) {
        // closed
      }
    }
  }

  /** After {@link #answeredWithin}: true when what came was the end of the connection, without a byte. */
  boolean closedWithinNothingSent() {
    return eof && pending.size() == 0;
  }

  /** True when the server closed the connection within {@code within} (reading and dropping what comes). */
  boolean closedWithin(Duration within) {
    try {
      socket.setSoTimeout((int) within.toMillis());
      byte[] b = new byte[4096];
      while (in.read(b) >= 0) {
        // drop
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private String readHead() {
    while (true) {
      byte[] seen = pending.toByteArray();
      String text = new String(seen, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        pending.reset();
        pending.write(seen, end + 4, seen.length - end - 4);
        return text.substring(0, end);
      }
      if (!fill()) {
        throw new AssertionError("the connection ended before an answer's head: " + text);
      }
    }
  }

  private byte[] readExactly(int n) {
    while (pending.size() < n) {
      if (!fill()) {
        throw new AssertionError("the connection ended within a body of " + n + " bytes");
      }
    }
    byte[] all = pending.toByteArray();
    pending.reset();
    pending.write(all, n, all.length - n);
    return java.util.Arrays.copyOf(all, n);
  }

  private byte[] readToEnd() {
    while (fill()) {
      // read on
    }
    byte[] all = pending.toByteArray();
    pending.reset();
    return all;
  }

  private boolean fill() {
    if (eof) {
      return false;
    }
    try {
      byte[] b = new byte[8192];
      int n = in.read(b);
      if (n < 0) {
        eof = true;
        return false;
      }
      pending.write(b, 0, n);
      return true;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within " + READ, e);
    } catch (IOException e) {
      eof = true;
      return false;
    }
  }

  private static String methodOf(String request) {
    return request.substring(0, request.indexOf(' '));
  }

  private static String uriOf(String request) {
    int start = request.indexOf(' ') + 1;
    int end = request.indexOf(' ', start);
    int lineEnd = request.indexOf("\r\n");
    return request.substring(start, end < 0 || lineEnd >= 0 && end > lineEnd ? Math.max(start, lineEnd) : end);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing
    }
  }
}
