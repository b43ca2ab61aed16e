package dev.herald.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** One server to load: its socket address and the {@code Host} header to send. */
record Target(InetSocketAddress address, String hostHeader) {

  /**
   * Parses {@code http://host:port}; refuses a host that is not a loopback address unless
   * {@code allowRemote}: the tool is meant for one machine.
   */
  static Target parse(String url, boolean allowRemote) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad target URL '" + url + "': " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("a target is http://host:port, not '" + url + "'");
    }
    if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
      throw new IllegalArgumentException("give the target without a path ('" + url + "'); paths are --sub-path etc.");
    }
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    InetAddress addr;
    try {
      addr = InetAddress.getByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve '" + uri.getHost() + "'");
    }
    if (!addr.isLoopbackAddress() && !allowRemote) {
      throw new IllegalArgumentException("refusing the non-loopback target " + url + " (" + addr.getHostAddress()
          + "): this tool loads servers on this machine only; --allow-remote overrides");
    }
    return new Target(new InetSocketAddress(addr, port), uri.getHost() + ":" + port);
  }

  @Override
  public String toString() {
    return "http://" + hostHeader;
  }
}
