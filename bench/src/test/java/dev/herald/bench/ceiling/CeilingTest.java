package dev.herald.bench.ceiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ceiling on the wire: real sockets, exact bytes. */
@Timeout(30)
class CeilingTest {
  private Ceiling ceiling;

  @BeforeEach
  void start() throws InterruptedException {
    ceiling = new Ceiling("127.0.0.1", 0, 2, "auto");
  }

  @AfterEach
  void stop() {
    ceiling.close();
  }

  private Socket open(String request) throws IOException {
    Socket s = new Socket("127.0.0.1", ceiling.port());
    s.setSoTimeout(10_000);
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  /** Reads until the bytes read so far end with {@code end}. */
  private static String readUntil(InputStream in, String end) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.UTF_8).endsWith(end)) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed after: " + b.toString(StandardCharsets.UTF_8));
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static String chunk(String frame) {
    return Integer.toHexString(frame.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + frame + "\r\n";
  }

  private String publish(Socket pub, String channel, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    pub.getOutputStream().write(("POST /pub/" + channel + " HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\n"
        + "content-length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    pub.getOutputStream().write(b);
    return readUntil(pub.getInputStream(), "\r\n\r\n");
  }

  @Test
  void anEventReachesEverySubscriberOfItsChannelOnly() throws Exception {
    try (Socket one = open("GET /sub/room-a,room-b HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n");
        Socket two = open("GET /sub/room-a HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n");
        Socket pub = open("")) {
      for (Socket s : new Socket[] {one, two}) {
        String head = readUntil(s.getInputStream(), "\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("content-type: text/event-stream\r\n"), head);
        assertTrue(head.contains("transfer-encoding: chunked\r\n"), head);
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (ceiling.streams() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // the head is written before the stream joins its channels
      }
      assertEquals(2, ceiling.streams());

      String answer = publish(pub, "room-a", "~0,1,123~");
      assertTrue(answer.startsWith("HTTP/1.1 201 Created\r\n"), answer);
      String first = chunk("id: 1\ndata: ~0,1,123~\n\n");
      assertEquals(first, readUntil(one.getInputStream(), first));
      assertEquals(first, readUntil(two.getInputStream(), first));

      // room-b has one subscriber; a body of two lines is two data fields
      assertTrue(publish(pub, "room-b", "line one\r\nline two").startsWith("HTTP/1.1 201"));
      assertTrue(publish(pub, "room-a", "third").startsWith("HTTP/1.1 201"));
      String second = chunk("id: 2\ndata: line one\ndata: line two\n\n");
      String third = chunk("id: 3\ndata: third\n\n");
      assertEquals(second + third, readUntil(one.getInputStream(), third));
      assertEquals(third, readUntil(two.getInputStream(), third)); // nothing of room-b before it

      assertTrue(publish(pub, "nobody", "x").startsWith("HTTP/1.1 201"));
      pub.getOutputStream().write("GET /other HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(readUntil(pub.getInputStream(), "\r\n\r\n").startsWith("HTTP/1.1 404"));
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (ceiling.streams() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, ceiling.streams(), "closed streams leave their channels");
  }
}
