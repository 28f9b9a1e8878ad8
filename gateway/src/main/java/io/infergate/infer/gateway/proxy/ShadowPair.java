package io.infergate.infer.gateway.proxy;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The two answers of one call whose shadow copy was sent: the primary's (the very bytes the caller
 * got, kept by reference) and the shadow's. Whichever arrives second hands the pair to {@link
 * AnswerDecoder}; a pair missing an answer (either side failed) is never compared and simply
 * becomes garbage with its call.
 */
final class ShadowPair implements AnswerDecoder.AnswerWork {
  private static final AtomicIntegerFieldUpdater<ShadowPair> ARRIVED =
      AtomicIntegerFieldUpdater.newUpdater(ShadowPair.class, "arrived");

  private final AnswerTensor format;
  private final AnswerDecoder agreement;

  // Each written once, before the write to arrived that publishes it.
  private byte[] primary;
  private VariantTelemetry primaryVariant;
  private byte[] shadow;

  /** How many of the two answers are in. */
  @SuppressWarnings("unused") // through ARRIVED
  private volatile int arrived;

  ShadowPair(AnswerTensor format, AnswerDecoder agreement) {
    this.format = format;
    this.agreement = agreement;
  }

  /** The primary's first answer message, from {@code variant}; called at most once. */
  void primaryAnswered(byte[] answer, VariantTelemetry variant) {
    primary = answer;
    primaryVariant = variant;
    arrive();
  }

  /** The shadow's first answer message; called at most once. */
  void shadowAnswered(byte[] answer) {
    shadow = answer;
    arrive();
  }

  private void arrive() {
    if (ARRIVED.incrementAndGet(this) == 2) {
      agreement.offer(this);
    }
  }

  /** Compares the two answers and records how they agree; on the decoder's worker only. */
  @Override
  public void decode() {
    AnswerTensor.Scores expected = format.read(primary);
    AnswerTensor.Scores observed = expected == null ? null : format.read(shadow);
    if (observed == null || !expected.matches(observed)) {
      primaryVariant.shadowNotCompared(AnswerDecoder.NOT_DECODABLE);
      return;
    }
    int rows = expected.rows();
    int top1Matches = 0;
    double absDiff = 0;
    for (int row = 0; row < rows; row++) {
      if (expected.top1(row) == observed.top1(row)) {
        top1Matches++;
      }
      absDiff += expected.meanAbsDiff(observed, row);
    }
    primaryVariant.shadowCompared(rows, top1Matches, absDiff);
  }

  @Override
  public void notDecoded(int reason) {
    primaryVariant.shadowNotCompared(reason);
  }
}
