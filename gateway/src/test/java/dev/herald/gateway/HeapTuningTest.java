package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The heap options the program sets for itself, and only where the JVM was given none. */
class HeapTuningTest {
  private final HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

  @Test
  void setsEachOptionLeftAtItsDefaultAndLeavesTheOthers() {
    Map<String, VMOption> before = Map.of(
        "MinHeapFreeRatio", hotspot.getVMOption("MinHeapFreeRatio"),
        "MaxHeapFreeRatio", hotspot.getVMOption("MaxHeapFreeRatio"),
        "G1PeriodicGCInterval", hotspot.getVMOption("G1PeriodicGCInterval"));
    List<String> set = HeapTuning.apply();
    for (Map.Entry<String, String> o : HeapTuning.OPTIONS.entrySet()) {
      VMOption was = before.get(o.getKey());
      VMOption now = hotspot.getVMOption(o.getKey());
      if (was.getOrigin() == VMOption.Origin.DEFAULT && !was.getValue().equals(o.getValue())) {
        assertEquals(o.getValue(), now.getValue(), o.getKey());
        assertTrue(set.contains(o.getKey() + "=" + o.getValue()), set.toString());
      } else {
        assertEquals(was.getValue(), now.getValue(), o.getKey() + " was given to the JVM: left alone");
      }
    }
    // a second run finds nothing left at its default to change
    assertEquals(List.of(), HeapTuning.apply());
  }
}
