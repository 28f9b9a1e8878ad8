package io.infergate.infer.router;

import java.util.List;

/**
 * Chooses a variant by weight: from a random number when the call has no sticky key, and by
 * weighted rendezvous hashing when it has one.
 *
 * <p>Rendezvous hashing (highest random weight) rather than a hash ring or {@code hash % total}:
 * each variant {@code v} with weight {@code w > 0} gets the score {@code -ln(u) / w}, where {@code
 * u} in (0, 1) is a hash of the key seeded by the variant's name, and the lowest score wins. The
 * scores are independent exponential variables with rates {@code w}, so variant {@code v} wins with
 * probability exactly {@code w / sum(w)}. A variant's score depends only on the key, its own name
 * and its own weight, so:
 *
 * <ul>
 *   <li>with weights unchanged a key always gets the same variant, on every gateway replica;
 *   <li>raising one variant's weight lowers only its score, so keys move onto it and never off it
 *       or between the others; scaling all other weights by one common factor (90/10 to 80/20) does
 *       not change how they rank among themselves, so that ramp moves keys only onto the raised
 *       variant too;
 *   <li>adding a variant (weight 0 to w) moves keys only onto the new one.
 * </ul>
 *
 * <p>Every array is built once here; a pick allocates nothing.
 */
final class WeightedSplit {
  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /**
   * Running sums of the weights in variant order; a random draw below {@code cumulative[i]} picks
   * i.
   */
  private final int[] cumulative;

  private final long total;

  /** Indexes of the variants with weight > 0: only they compete for sticky keys. */
  private final int[] candidates;

  /** Per candidate, a hash of its name that makes its {@code u} independent of the others'. */
  private final long[] seeds;

  /** Per candidate, {@code 1 / weight}: a multiply on the hot path instead of a divide. */
  private final double[] inverseWeights;

  /**
   * Precomputes the split.
   *
   * @param variants at least one, with total weight in 1..Integer.MAX_VALUE (checked by {@link
   *     Route})
   */
  WeightedSplit(List<Variant> variants) {
    cumulative = new int[variants.size()];
    int sum = 0;
    int positive = 0;
    for (int i = 0; i < cumulative.length; i++) {
      int weight = variants.get(i).weight();
      sum += weight;
      cumulative[i] = sum;
      if (weight > 0) {
        positive++;
      }
    }
    total = sum;
    candidates = new int[positive];
    seeds = new long[positive];
    inverseWeights = new double[positive];
    int next = 0;
    for (int i = 0; i < cumulative.length; i++) {
      Variant variant = variants.get(i);
      if (variant.weight() > 0) {
        candidates[next] = i;
        seeds[next] = mix(fnv1a(variant.name()));
        inverseWeights[next] = 1.0 / variant.weight();
        next++;
      }
    }
  }

  /**
   * Returns a variant index with probability proportional to its weight, using the high 32 bits of
   * {@code random} only (so the caller may use the low 32 bits for an independent decision).
   */
  int pick(long random) {
    // (32 random bits * total) >> 32 maps onto 0..total-1 without a division; the product fits in
    // 63 bits because total <= Integer.MAX_VALUE. The bias is below total / 2^32 and so invisible
    // in practice.
    long draw = ((random >>> 32) * total) >>> 32;
    int last = cumulative.length - 1;
    for (int i = 0; i < last; i++) {
      if (draw < cumulative[i]) {
        return i;
      }
    }
    return last;
  }

  /**
   * Like {@link #pick(long)} among the variants whose bit is clear in {@code excluded}, in
   * proportion to their weights; -1 if no variant with weight is left.
   */
  int pick(long random, long excluded) {
    long left = 0;
    for (int i = 0; i < cumulative.length; i++) {
      if ((excluded & (1L << i)) == 0) {
        left += weight(i);
      }
    }
    if (left == 0) {
      return -1;
    }
    long draw = ((random >>> 32) * left) >>> 32;
    for (int i = 0; i < cumulative.length; i++) {
      if ((excluded & (1L << i)) == 0) {
        draw -= weight(i);
        if (draw < 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * Like {@link #pickSticky(String)} among the variants whose bit is clear in {@code excluded}: the
   * key's next choice in its own ranking, so it returns to its first choice once that can serve
   * again; -1 if no variant with weight is left.
   */
  int pickSticky(String key, long excluded) {
    long keyHash = mix(fnv1a(key));
    int best = -1;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int candidate = 0; candidate < candidates.length; candidate++) {
      if ((excluded & (1L << candidates[candidate])) != 0) {
        continue;
      }
      double score = score(keyHash, candidate);
      if (score < bestScore) {
        best = candidates[candidate];
        bestScore = score;
      }
    }
    return best;
  }

  private int weight(int index) {
    return index == 0 ? cumulative[0] : cumulative[index] - cumulative[index - 1];
  }

  /** Returns the variant index that {@code key} sticks to under the current weights. */
  int pickSticky(String key) {
    if (candidates.length == 1) {
      return candidates[0];
    }
    // Mixing the key's hash once up front makes the per-variant inputs (hash ^ seed) well spread
    // even for keys that differ in one character, the way splitmix64 spreads consecutive counters.
    long keyHash = mix(fnv1a(key));
    int best = 0;
    double bestScore = score(keyHash, 0);
    for (int candidate = 1; candidate < candidates.length; candidate++) {
      double score = score(keyHash, candidate);
      if (score < bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return candidates[best];
  }

  private double score(long keyHash, int candidate) {
    long hash = mix(keyHash ^ seeds[candidate]);
    // The top 53 bits, centred in their interval, give u strictly inside (0, 1), so ln(u) is
    // finite and < 0.
    double unit = ((hash >>> 11) + 0.5) * 0x1.0p-53;
    return -Math.log(unit) * inverseWeights[candidate];
  }

  /** FNV-1a over UTF-16 chars: no encoding step, so no allocation. */
  static long fnv1a(String value) {
    long hash = FNV_OFFSET_BASIS;
    for (int i = 0; i < value.length(); i++) {
      hash ^= value.charAt(i);
      hash *= FNV_PRIME;
    }
    return hash;
  }

  /** The splitmix64 finalizer (Stafford's mix 13): every input bit affects every output bit. */
  static long mix(long value) {
    long z = value;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
