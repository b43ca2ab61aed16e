package dev.herald.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap sizing for a node that holds many idle streams, set by the program itself so that
 * {@code java -jar herald.jar} needs no JVM flags. An idle stream holds about 6 KB of live heap
 * (mostly Vert.x and Netty connection state); with its default free-heap ratios (40–70 %) G1 keeps up to
 * twice the live set committed, which doubles the RSS a stream costs. These values let the heap follow
 * the live set closely and give memory back when a node goes quiet (docs/operations.md, "JVM memory";
 * the figures are in docs/benchmarks.md).
 *
 * <p>All three are manageable HotSpot options, changed at run time through the diagnostic MXBean. An
 * option given on the command line (or in {@code JAVA_TOOL_OPTIONS}) is left as it is; so is everything
 * on a JVM without these options.
 */
final class HeapTuning {
  /** Option → value, in the order they are set (the minimum first: it must stay below the maximum). */
  static final Map<String, String> OPTIONS = new LinkedHashMap<>();

  static {
    OPTIONS.put("MinHeapFreeRatio", "5");
    OPTIONS.put("MaxHeapFreeRatio", "10");
    OPTIONS.put("G1PeriodicGCInterval", "5000");
  }

  private HeapTuning() {
  }

  /**
   * Sets each option of {@link #OPTIONS} that still has the JVM's default value.
   *
   * @return {@code name=value} for each option set, for the start-up log
   */
  static List<String> apply() {
    List<String> set = new ArrayList<>();
    HotSpotDiagnosticMXBean hotspot;
    try {
      hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    } catch (RuntimeException | LinkageError notHotSpot) {
      return set;
    }
    if (hotspot == null) {
      return set;
    }
    for (Map.Entry<String, String> o : OPTIONS.entrySet()) {
      try {
        VMOption current = hotspot.getVMOption(o.getKey());
        if (current.getOrigin() == VMOption.Origin.DEFAULT && current.isWriteable()
            && !current.getValue().equals(o.getValue())) {
          hotspot.setVMOption(o.getKey(), o.getValue());
          set.add(o.getKey() + "=" + o.getValue());
        }
      } catch (IllegalArgumentException | SecurityException unavailable) {
        // no such option here, or a value this JVM refuses (e.g. a maximum set below our minimum): keep it
      }
    }
    return set;
  }
}
