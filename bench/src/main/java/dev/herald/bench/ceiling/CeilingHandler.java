package dev.herald.bench.ceiling;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * One connection: HTTP requests until it becomes a stream. {@code POST /pub/<ch>} publishes its body
 * and answers 201; {@code GET /sub/<ch1>,<ch2>,...} answers the stream's head, takes the HTTP codec
 * out of the pipeline (from then on only pre-encoded chunks are written) and joins the channels;
 * anything else is a 404.
 */
final class CeilingHandler extends ChannelInboundHandlerAdapter {
  static final String CODEC = "http";
  static final String AGGREGATOR = "aggregate";

  private static final byte[] STREAM_HEAD = ("HTTP/1.1 200 OK\r\n"
      + "content-type: text/event-stream\r\n"
      + "cache-control: no-cache\r\n"
      + "transfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  private final Fanout fanout;
  private boolean stream;

  CeilingHandler(Fanout fanout) {
    this.fanout = fanout;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (stream || !(msg instanceof FullHttpRequest req)) {
      ReferenceCountUtil.release(msg); // a stream's client has nothing more to say
      return;
    }
    try {
      String path = new QueryStringDecoder(req.uri()).path();
      if (req.method().equals(HttpMethod.GET) && path.startsWith("/sub/") && path.length() > 5) {
        String[] names = path.substring(5).split(",");
        for (int i = 0; i < names.length; i++) {
          names[i] = QueryStringDecoder.decodeComponent(names[i]);
        }
        stream = true;
        ctx.pipeline().remove(AGGREGATOR);
        ctx.pipeline().remove(CODEC);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(STREAM_HEAD));
        fanout.subscribe(ctx.channel(), names);
      } else if (req.method().equals(HttpMethod.POST) && path.startsWith("/pub/") && path.length() > 5) {
        fanout.publish(ctx.alloc(), QueryStringDecoder.decodeComponent(path.substring(5)), req.content());
        answer(ctx, req, HttpResponseStatus.CREATED);
      } else {
        answer(ctx, req, HttpResponseStatus.NOT_FOUND);
      }
    } finally {
      req.release();
    }
  }

  private static void answer(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (HttpUtil.isKeepAlive(req)) {
      ctx.write(res, ctx.voidPromise()); // flushed once per read batch (pipelined publishes)
    } else {
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!stream) {
      ctx.flush();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset peer or a bad request: nothing to report in a ceiling
  }
}
