package dev.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HttpResponseParserTest {
  private static final String WIRE = "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nSet-Cookie: herald_sid=abc; Path=/\r\n"
      + "\r\nhello"
      + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      + "4\r\nretr\r\n3;ext=1\r\ny: \r\n0\r\n\r\n"
      + "HTTP/1.1 204 No Content\r\n\r\n";

  @Test
  void pipelinedResponsesInAnyPieces() {
    byte[] b = WIRE.getBytes(StandardCharsets.US_ASCII);
    for (int piece = 1; piece <= b.length; piece++) {
      List<String> out = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      HttpResponseParser p = new HttpResponseParser(new HttpResponseParser.Handler() {
        @Override
        public void onStatus(int status) {
          out.add("status " + status);
        }

        @Override
        public void onHeadersEnd() {
        }

        @Override
        public void onBody(byte[] bytes, int off, int len) {
          body.append(new String(bytes, off, len, StandardCharsets.US_ASCII));
        }

        @Override
        public void onEnd() {
          out.add("body " + body);
          body.setLength(0);
        }
      });
      for (int off = 0; off < b.length; off += piece) {
        p.feed(b, off, Math.min(piece, b.length - off));
      }
      assertEquals(List.of("status 201", "body hello", "status 200", "body retry: ", "status 204", "body "), out,
          "pieces of " + piece);
    }
  }
}
