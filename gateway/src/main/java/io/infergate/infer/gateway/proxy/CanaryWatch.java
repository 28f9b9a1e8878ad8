package io.infergate.infer.gateway.proxy;

import io.infergate.infer.observability.drift.Divergences;
import io.infergate.infer.router.CanaryDrift;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One variant's part in its route's canary drift ({@link CanaryDrift}), for one table: its answers
 * go to the {@link AnswerDecoder}, which counts them into the variant's {@link AnswerWindow}; when
 * metrics are collected, {@link #report} compares the window with the reference variant's.
 *
 * <p>Per call this costs a random draw (below fraction 1) and a queue offer: the answer is kept by
 * reference and parsed on the decoder's worker, never on an event loop.
 *
 * @param window where this variant's answers are counted, kept across tables while it fits
 * @param decoder the worker that parses answers off the event loops, shared by every route
 * @param telemetry this variant's instruments
 * @param settings the route's canary drift
 * @param sampleBelow draws of {@code nextLong() >>> 11} (53 bits) below this are decoded; -1
 *     decodes every one ({@link #of} derives it from the settings' fraction)
 */
record CanaryWatch(
    AnswerWindow window,
    AnswerDecoder decoder,
    VariantTelemetry telemetry,
    CanaryDrift settings,
    long sampleBelow) {
  /**
   * The watch of a variant whose answers are counted into {@code window}, sampling them as {@code
   * settings} say.
   */
  static CanaryWatch of(
      AnswerWindow window,
      AnswerDecoder decoder,
      VariantTelemetry telemetry,
      CanaryDrift settings) {
    long sampleBelow =
        settings.fraction() >= 1 ? -1 : (long) Math.ceil(settings.fraction() * 0x1.0p53);
    return new CanaryWatch(window, decoder, telemetry, settings, sampleBelow);
  }

  /**
   * A call of this variant answered OK with {@code answer} (its first message) as the variant it
   * was meant for: hands the answer to the decoder, or skips it when the sample leaves it out. The
   * gateway's own warm-up calls never get here ({@code ForwardingCall} records none of them).
   */
  void answered(AnswerTensor format, byte[] answer) {
    if (format == AnswerTensor.NONE
        || (sampleBelow >= 0 && ThreadLocalRandom.current().nextLong() >>> 11 >= sampleBelow)) {
      return;
    }
    decoder.offer(new Answer(format, answer, this));
  }

  /**
   * Reports {@code own}, this variant's window sums (null: nothing counted yet), and, unless this
   * is the reference ({@code reference} null), how far they are from the reference's: when both
   * hold at least {@code minAnswers} predictions of as many classes. On the metric reader's thread.
   */
  void report(
      AnswerWindow.Counts own, AnswerWindow.Counts reference, GatewayTelemetry.CanaryGauges into) {
    if (own == null) {
      return;
    }
    telemetry.recordCanaryPredictions(own.rows(), into);
    if (reference == null
        || own.classCount() != reference.classCount()
        || own.rows() < settings.minAnswers()
        || reference.rows() < settings.minAnswers()) {
      return;
    }
    reportDrift(VariantTelemetry.PREDICTION, own.classes(), reference.classes(), into);
    reportDrift(VariantTelemetry.TOP1_SCORE, own.scoreBins(), reference.scoreBins(), into);
  }

  /**
   * Reports how far {@code own} is from {@code reference}: the two windows' sums of one
   * distribution, each its bins and then their total (see {@link AnswerWindow.Counts}).
   */
  private void reportDrift(
      int distribution, long[] own, long[] reference, GatewayTelemetry.CanaryGauges into) {
    int bins = own.length - 1;
    double[] expected = Divergences.shares(reference, 0, bins, reference[bins]);
    telemetry.recordCanaryDrift(
        distribution,
        Divergences.psi(own, 0, bins, own[bins], expected),
        Divergences.jensenShannon(own, 0, bins, own[bins], expected),
        into);
  }

  /** One answer on its way to the window. */
  private static final class Answer implements AnswerDecoder.AnswerWork {
    private final AnswerTensor format;
    private final byte[] answer;
    private final CanaryWatch watch;

    Answer(AnswerTensor format, byte[] answer, CanaryWatch watch) {
      this.format = format;
      this.answer = answer;
      this.watch = watch;
    }

    @Override
    public void decode() {
      AnswerTensor.Scores scores = format.read(answer);
      if (scores == null || !watch.window.count(scores)) {
        notDecoded(AnswerDecoder.NOT_DECODABLE);
      }
    }

    @Override
    public void notDecoded(int reason) {
      watch.telemetry.canaryNotCounted(reason);
    }
  }
}
