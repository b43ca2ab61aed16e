package dev.herald.example;

import dev.herald.cluster.ClusterOptions;
import dev.herald.gateway.api.NodeAddresses;
import dev.herald.heartbeat.api.PresenceAddresses;
import dev.herald.replay.api.HistoryAddresses;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bus client's settings from {@code --key=value} arguments.
 *
 * @param cluster   how to join Herald's cluster ({@code --cluster.name}, {@code --cluster.members},
 *                  {@code --cluster.host}, {@code --cluster.port})
 * @param prefix    Herald's {@code name} ({@code --name}, default {@code herald})
 * @param channel   the channel to follow and publish to ({@code --channel})
 * @param publish   events this client publishes itself ({@code --publish})
 * @param expect    events the channel gets in all, from every publisher ({@code --expect})
 * @param infoWait  how long to wait for a Herald node to answer {@code herald.info} ({@code --wait}, ms)
 * @param timeoutMs each request's timeout
 * @param settleMs  how long nothing more may arrive after the last expected event
 */
public record Settings(ClusterOptions cluster, String prefix, String channel, int publish, int expect, Duration infoWait,
                       long timeoutMs, long settleMs) {

  public NodeAddresses node() {
    return new NodeAddresses(prefix);
  }

  public HistoryAddresses history() {
    return new HistoryAddresses(prefix);
  }

  public PresenceAddresses presence() {
    return new PresenceAddresses(prefix);
  }

  public static Settings parse(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("arguments are --key=value, not " + arg);
      }
      a.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    String host = a.getOrDefault("cluster.host", "127.0.0.1");
    int port = Integer.parseInt(a.getOrDefault("cluster.port", "5801"));
    List<String> members = Arrays.asList(a.getOrDefault("cluster.members", "127.0.0.1:5701").split(","));
    ClusterOptions cluster = ClusterOptions.tcp(a.getOrDefault("cluster.name", "herald"), host, port, members);
    int publish = Integer.parseInt(a.getOrDefault("publish", "10"));
    return new Settings(cluster, a.getOrDefault("name", "herald"), a.getOrDefault("channel", "bus-client"), publish,
        Integer.parseInt(a.getOrDefault("expect", String.valueOf(publish))),
        Duration.ofMillis(Long.parseLong(a.getOrDefault("wait", "15000"))), 5_000,
        Long.parseLong(a.getOrDefault("settle", "1000")));
  }
}
