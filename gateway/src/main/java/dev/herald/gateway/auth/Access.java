package dev.herald.gateway.auth;

import dev.herald.gateway.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Who a request comes from ({@code auth.mode}, docs/http-api.md#access). {@code open}: an anonymous
 * {@link Caller} that may do everything. {@code jwt}: the {@link Caller} of the request's token, or an
 * {@link AuthFailure} ({@code 401}) when there is no usable one.
 */
public interface Access {

  /** The caller of {@code request}; fails with an {@link AuthFailure}. Called on the request's event loop. */
  Future<Caller> authenticate(HttpServerRequest request);

  /** {@code open} or {@code jwt}. */
  String mode();

  /** Stops background work (JWKS refreshes). */
  void close();

  /** The access of {@code auth.mode}: for {@code jwt}, once every configured key is read. */
  static Future<Access> create(Vertx vertx, HeraldConfig.Auth settings) {
    if ("jwt".equals(settings.mode())) {
      return JwtKeys.load(vertx, settings).map(keys -> new JwtAccess(keys, settings.leeway().toMillis()));
    }
    return Future.succeededFuture(new OpenAccess());
  }

  /**
   * The client address of a request as the abuse bounds of open mode count it: the peer's IP, read from the
   * connection (a router's request would parse forwarding headers first, which Herald does not honour).
   */
  static String address(HttpServerRequest request) {
    SocketAddress peer = request.connection() == null ? request.remoteAddress() : request.connection().remoteAddress();
    return peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress();
  }

  /** {@code auth.mode=open}: everyone may do everything. */
  final class OpenAccess implements Access {
    @Override
    public Future<Caller> authenticate(HttpServerRequest request) {
      return Future.succeededFuture(Caller.open(address(request)));
    }

    @Override
    public String mode() {
      return "open";
    }

    @Override
    public void close() {
    }
  }
}
