package dev.herald.bench;

/**
 * A log-bucket histogram of non-negative longs (microseconds, usually), in the manner of
 * HdrHistogram: values below 256 are exact, larger ones fall in one of 128 sub-buckets per power of
 * two, so a reported value is at most 1/128 (0.8 %) above the true one. Fixed size (about 58 KiB),
 * no allocation when recording, not thread-safe: keep one per thread and {@link #add} them.
 */
final class LogHistogram {
  private static final int SUB_BITS = 7;
  private static final int SUB = 1 << SUB_BITS;          // 128 sub-buckets per power of two
  private static final int LINEAR = SUB << 1;            // values below 256 are exact
  private static final int BUCKETS = (64 - SUB_BITS) * SUB + SUB;

  private final long[] counts = new long[BUCKETS];
  private long count;
  private long sum;
  private long min = Long.MAX_VALUE;
  private long max = -1;

  /** Records one value (a negative one counts as 0). */
  void record(long v) {
    if (v < 0) {
      v = 0;
    }
    counts[index(v)]++;
    count++;
    sum += v;
    if (v < min) {
      min = v;
    }
    if (v > max) {
      max = v;
    }
  }

  /** Adds every value recorded in {@code other}. */
  void add(LogHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    count += other.count;
    sum += other.sum;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
  }

  /**
   * The non-empty buckets as {@code [lowest value, count]} pairs, in order: with {@link #ofBuckets} a
   * histogram travels in a JSON line (a few hundred pairs) and several processes' merge exactly.
   */
  java.util.List<java.util.List<Long>> buckets() {
    java.util.List<java.util.List<Long>> out = new java.util.ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] != 0) {
        out.add(java.util.List.of(lowest(i), counts[i]));
      }
    }
    return out;
  }

  /**
   * Adds {@code count} values equal to {@code value} (from {@link #buckets()}): the sum, and so the
   * mean, then counts each value at its bucket's lowest; the max is the bucket's highest.
   */
  void record(long value, long count) {
    if (count <= 0) {
      return;
    }
    int i = index(Math.max(0, value));
    counts[i] += count;
    this.count += count;
    sum += lowest(i) * count;
    min = Math.min(min, lowest(i));
    max = Math.max(max, highest(i));
  }

  /** Lowers the max to {@code trueMax} when it is below (after {@link #record(long, long)}). */
  void limitMax(long trueMax) {
    if (count > 0 && trueMax >= 0) {
      max = Math.min(max, trueMax);
    }
  }

  /** Forgets every value. */
  void reset() {
    java.util.Arrays.fill(counts, 0);
    count = 0;
    sum = 0;
    min = Long.MAX_VALUE;
    max = -1;
  }

  long count() {
    return count;
  }

  /** The largest value recorded, or 0 when empty. */
  long max() {
    return max < 0 ? 0 : max;
  }

  /** The smallest value recorded, or 0 when empty. */
  long min() {
    return count == 0 ? 0 : min;
  }

  double mean() {
    return count == 0 ? 0 : (double) sum / count;
  }

  /**
   * The value at percentile {@code p} (0..100): the highest value equivalent to the bucket holding
   * the ceil(p% of count)-th smallest value, never above {@link #max()}; 0 when empty.
   */
  long percentile(double p) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(highest(i), max);
      }
    }
    return max;
  }

  static int index(long v) {
    if (v < LINEAR) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v);   // >= SUB_BITS + 1
    int shift = exp - SUB_BITS;
    int sub = (int) (v >>> shift);                 // in [SUB, 2*SUB)
    return shift * SUB + sub;
  }

  /** The lowest value that falls in bucket {@code i}. */
  static long lowest(int i) {
    if (i < LINEAR) {
      return i;
    }
    int shift = i / SUB - 1;
    long sub = i - (long) shift * SUB;
    return sub << shift;
  }

  /** The highest value that falls in bucket {@code i}. */
  static long highest(int i) {
    if (i < LINEAR) {
      return i;
    }
    int shift = i / SUB - 1;
    long sub = i - (long) shift * SUB;
    long hi = ((sub + 1) << shift) - 1;
    return hi < 0 ? Long.MAX_VALUE : hi;
  }
}
