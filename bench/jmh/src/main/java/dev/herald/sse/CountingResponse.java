package dev.herald.sse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import java.io.RandomAccessFile;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.util.Set;

/**
 * A socket-less HTTP/1.1 response for benchmarks, taking the path production takes: the head and the
 * first bytes through {@link #write(Buffer)} (counted, answered with an already-completed future), then
 * every frame past the response encoder, as {@link SseConnection} writes them on HTTP/1.1 — shared
 * chunks ({@link Chunks}) written and flushed through a real Netty pipeline ({@link #encoder()}: an
 * {@link EmbeddedChannel} with an {@link HttpResponseEncoder}) whose last handler counts each chunk and
 * releases it where a socket would take it. What the benchmarks measure is therefore Herald's work per
 * delivery plus Netty's pipeline, without the socket. Single-threaded, like a real response.
 */
public final class CountingResponse implements HttpServerResponse {
  private long writes;
  private long bytes;
  private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf buf) {
        if (buf.isReadable()) {
          writes++;
          bytes += buf.readableBytes();
        }
        buf.release();
      }
      promise.trySuccess();
    }
  }, new HttpResponseEncoder());
  private int status = 200;
  private boolean chunked;
  private boolean ended;

  /** A request whose {@code response()} is {@code response}; every other method answers null/false/0. */
  public static HttpServerRequest requestFor(HttpServerResponse response) {
    return (HttpServerRequest) Proxy.newProxyInstance(CountingResponse.class.getClassLoader(),
        new Class<?>[] {HttpServerRequest.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "response":
              return response;
            case "version":
              return HttpVersion.HTTP_1_1;
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            case "toString":
              return "bench request";
            default:
              Class<?> t = method.getReturnType();
              if (t == boolean.class) {
                return false;
              }
              if (t == int.class || t == long.class || t == short.class || t == byte.class) {
                return t == long.class ? (Object) 0L : (Object) 0;
              }
              return null;
          }
        });
  }

  /** The response encoder's context in this response's pipeline: where {@link SseConnection} writes frames. */
  ChannelHandlerContext encoder() {
    return channel.pipeline().context(HttpResponseEncoder.class);
  }

  /** Writes so far: the first bytes, then frames (chunks). */
  public long writes() {
    return writes;
  }

  /** Bytes written so far. */
  public long bytes() {
    return bytes;
  }

  @Override
  public Future<Void> write(Buffer data) {
    writes++;
    bytes += data.length();
    return Future.succeededFuture();
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public HttpServerResponse exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public HttpServerResponse setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public HttpServerResponse drainHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public int getStatusCode() {
    return status;
  }

  @Override
  public HttpServerResponse setStatusCode(int statusCode) {
    status = statusCode;
    return this;
  }

  @Override
  public String getStatusMessage() {
    return "OK";
  }

  @Override
  public HttpServerResponse setStatusMessage(String statusMessage) {
    return this;
  }

  @Override
  public HttpServerResponse setChunked(boolean chunked) {
    this.chunked = chunked;
    return this;
  }

  @Override
  public boolean isChunked() {
    return chunked;
  }

  @Override
  public MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap();
  }

  @Override
  public HttpServerResponse putHeader(String name, String value) {
    return this;
  }

  @Override
  public HttpServerResponse putHeader(CharSequence name, CharSequence value) {
    return this;
  }

  @Override
  public HttpServerResponse putHeader(String name, Iterable<String> values) {
    return this;
  }

  @Override
  public HttpServerResponse putHeader(CharSequence name, Iterable<CharSequence> values) {
    return this;
  }

  @Override
  public MultiMap trailers() {
    return MultiMap.caseInsensitiveMultiMap();
  }

  @Override
  public HttpServerResponse putTrailer(String name, String value) {
    return this;
  }

  @Override
  public HttpServerResponse putTrailer(CharSequence name, CharSequence value) {
    return this;
  }

  @Override
  public HttpServerResponse putTrailer(String name, Iterable<String> values) {
    return this;
  }

  @Override
  public HttpServerResponse putTrailer(CharSequence name, Iterable<CharSequence> value) {
    return this;
  }

  @Override
  public HttpServerResponse closeHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public HttpServerResponse endHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public Future<Void> writeHead() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> write(String chunk, String enc) {
    return write(Buffer.buffer(chunk, enc));
  }

  @Override
  public Future<Void> write(String chunk) {
    return write(Buffer.buffer(chunk));
  }

  @Override
  public Future<Void> writeContinue() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> writeEarlyHints(MultiMap headers) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end(String chunk) {
    return end(Buffer.buffer(chunk));
  }

  @Override
  public Future<Void> end(String chunk, String enc) {
    return end(Buffer.buffer(chunk, enc));
  }

  @Override
  public Future<Void> end(Buffer chunk) {
    write(chunk);
    return end();
  }

  @Override
  public Future<Void> end() {
    ended = true;
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> sendFile(String filename, long offset, long length) {
    throw new UnsupportedOperationException("not in benchmarks");
  }

  @Override
  public Future<Void> sendFile(FileChannel channel, long offset, long length) {
    throw new UnsupportedOperationException("not in benchmarks");
  }

  @Override
  public Future<Void> sendFile(RandomAccessFile file, long offset, long length) {
    throw new UnsupportedOperationException("not in benchmarks");
  }

  @Override
  public boolean ended() {
    return ended;
  }

  @Override
  public boolean closed() {
    return false;
  }

  @Override
  public boolean headWritten() {
    return writes > 0;
  }

  @Override
  public HttpServerResponse headersEndHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public HttpServerResponse bodyEndHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public long bytesWritten() {
    return bytes;
  }

  @Override
  public int streamId() {
    return -1;
  }

  @Override
  public Future<HttpServerResponse> push(HttpMethod method, HostAndPort authority, String path, MultiMap headers) {
    throw new UnsupportedOperationException("not in benchmarks");
  }

  @Override
  public Future<Void> reset(long code) {
    ended = true;
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> writeCustomFrame(int type, int flags, Buffer payload) {
    throw new UnsupportedOperationException("not in benchmarks");
  }

  @Override
  public HttpServerResponse addCookie(Cookie cookie) {
    return this;
  }

  @Override
  public Cookie removeCookie(String name, boolean invalidate) {
    return null;
  }

  @Override
  public Set<Cookie> removeCookies(String name, boolean invalidate) {
    return Set.of();
  }

  @Override
  public Cookie removeCookie(String name, String domain, String path, boolean invalidate) {
    return null;
  }
}
