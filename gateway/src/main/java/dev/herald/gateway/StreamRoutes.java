package dev.herald.gateway;

import dev.herald.gateway.auth.Caller;
import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.heartbeat.api.PresenceEvent;
import dev.herald.replay.api.Names;
import dev.herald.sse.api.SseStreams;
import dev.herald.sse.api.StreamRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SSE endpoints (docs/http-api.md): {@code GET /v1/stream} validates its channels and resume position and
 * hands the connection to the node's {@link SseStreams} on the connection's own event loop;
 * {@code GET /v1/presence/stream} relays presence events.
 */
final class StreamRoutes {
  private final SseStreams streams;
  private final Guard guard;
  private final int maxChannels;
  private final Map<String, String> presenceTopics = new LinkedHashMap<>();

  StreamRoutes(Edge edge) {
    this.streams = edge.streams();
    this.guard = edge.guard();
    this.maxChannels = edge.config().sse().maxChannelsPerStream();
    PresenceAddresses addresses = edge.presence().addresses();
    for (PresenceEvent.Type type : PresenceEvent.Type.values()) {
      presenceTopics.put(addresses.event(type), type.wire());
    }
  }

  void mount(Routes router) {
    router.get("/v1/stream", Guard.Rule.CALLER).handler(this::stream);
    router.get("/v1/presence/stream", Guard.Rule.ADMIN).handler(this::presence);
  }

  private void stream(RoutingContext ctx) {
    StreamRequest request = parse(ctx);
    SseStreams target = requireStreams();
    guard.streams().admit(Guard.caller(ctx), ctx.response());
    target.open(ctx.request(), request);
  }

  private void presence(RoutingContext ctx) {
    SseStreams target = requireStreams();
    Caller caller = Guard.caller(ctx);
    guard.streams().admit(caller, ctx.response());
    target.openTopic(ctx.request(), presenceTopics, caller.expiresAtMs());
  }

  private SseStreams requireStreams() {
    if (streams == null) {
      throw Problem.unavailable("this node does not serve streams (its roles leave out sse); connect to a node "
          + "that does");
    }
    return streams;
  }

  StreamRequest parse(RoutingContext ctx) {
    Query query = Query.of(ctx);
    List<String> channels = query.all("channel");
    if (channels.isEmpty()) {
      throw Problem.badRequest("no-channel", "a stream needs at least one channel: GET /v1/stream?channel=a");
    }
    if (channels.size() > maxChannels) {
      throw Problem.badRequest("too-many-channels", "a stream follows at most " + maxChannels
          + " channels (sse.maxChannelsPerStream); this one asks for " + channels.size());
    }
    Set<String> seen = new HashSet<>();
    for (String channel : channels) {
      String problem = Names.channelProblem(channel);
      if (problem != null) {
        throw Problem.invalidName(problem);
      }
      if (!seen.add(channel)) {
        throw Problem.badRequest("duplicate-channel", "the channel '" + channel + "' is given twice; name each "
            + "channel once");
      }
    }
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    String queryId = query.single("lastEventId");
    if (lastEventId == null || lastEventId.isEmpty()) {
      lastEventId = queryId == null || queryId.isEmpty() ? null : queryId;
    }
    int envelope = envelope(query.single("envelope"));
    Caller caller = Guard.caller(ctx);
    caller.requireSubscribe(channels);
    return new StreamRequest(channels, lastEventId, envelope, guard.sessionOf(ctx.request(), caller), caller.userId(),
        caller.expiresAtMs());
  }

  private static int envelope(String value) {
    if (value == null || value.equals("0") || value.equals("false")) {
      return StreamRequest.PLAIN;
    }
    if (value.equals("1") || value.equals("true")) {
      return StreamRequest.CHANNEL;
    }
    if (value.equals("2")) {
      return StreamRequest.EVENT;
    }
    throw Problem.invalidQuery("'envelope' must be 0 (the data as published), 1 (data as {\"channel\", \"data\"}) "
        + "or 2 (unnamed events, data as {\"channel\", \"event\", \"id\", \"data\"})");
  }
}
