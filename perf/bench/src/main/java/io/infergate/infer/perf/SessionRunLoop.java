package io.infergate.infer.perf;

import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.digits.DigitsTrainer;
import io.infergate.infer.observability.HelpAndVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The in-process reference: the digits SavedModel driven directly through TF Java's {@code
 * Session.run}, closed loop, from {@code --threads} threads, with no RPC at all.
 *
 * <p>Each call does the model work the server's backend does per call, and nothing more: create the
 * input tensor from the pixels, run the session fetching both outputs, and copy both outputs back
 * into fresh Java arrays. It prints one line of JSON ({@link Measurement#toJson()}) whose CPU time
 * is this whole process's, so it compares with the server process's.
 */
@Command(
    name = "session-run-loop",
    description =
        "Runs the digits SavedModel in a closed Session.run loop and prints one JSON line.")
public final class SessionRunLoop implements Callable<Integer> {
  private static final String SERVE_TAG = "serve";
  private static final String SIGNATURE = "serving_default";
  private static final Shape ONE_DIGIT = Shape.of(1, DigitsDataset.PIXELS);

  @Mixin HelpAndVersion helpAndVersion;

  @Option(names = "--models", required = true, description = "model repository root")
  Path models;

  @Mixin DigitsSample sample;

  @Option(names = "--threads", defaultValue = "1", description = "closed-loop threads (default: 1)")
  int threads;

  @Mixin MeasuredWindow window;

  private volatile boolean running = true;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SessionRunLoop()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException, ExecutionException {
    Path dir = models.resolve(DigitsTrainer.MODEL_NAME).resolve(Integer.toString(sample.version()));
    float[] pixels = sample.pixels();
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), SERVE_TAG)) {
      SignatureDef signature = bundle.metaGraphDef().getSignatureDefMap().get(SIGNATURE);
      GraphNames names =
          new GraphNames(
              signature.getInputsOrThrow("pixels").getName(),
              signature.getOutputsOrThrow("probs").getName(),
              signature.getOutputsOrThrow("classes").getName());
      Measurement measurement = measure(bundle.session(), names, pixels);
      System.out.println(measurement.toJson());
    }
    return 0;
  }

  private Measurement measure(Session session, GraphNames names, float[] pixels)
      throws InterruptedException, ExecutionException {
    Recorder recorder = new Recorder(3);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> loops = new ArrayList<>(threads);
      for (int i = 0; i < threads; i++) {
        loops.add(pool.submit(() -> loop(session, names, pixels, recorder)));
      }
      window.warmUp(recorder::getIntervalHistogram);
      Measurement measurement =
          window.measure(recorder::getIntervalHistogram, ProcessHandle.current().pid());
      running = false;
      for (Future<Long> loop : loops) {
        loop.get(); // rethrows what failed a loop
      }
      return measurement;
    } finally {
      running = false;
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** One closed-loop thread; returns a value derived from every answer so none is dead code. */
  private long loop(Session session, GraphNames names, float[] pixels, Recorder recorder) {
    FloatDataBuffer input = DataBuffers.of(pixels, true, false);
    long checksum = 0;
    while (running) {
      long start = System.nanoTime();
      try (TFloat32 tensor = TFloat32.tensorOf(ONE_DIGIT, input);
          Result result =
              session
                  .runner()
                  .feed(names.input(), tensor)
                  .fetch(names.probs())
                  .fetch(names.classes())
                  .run()) {
        TFloat32 probs = (TFloat32) result.get(0);
        TInt64 classes = (TInt64) result.get(1);
        float[] probsCopy = new float[Math.toIntExact(probs.size())];
        long[] classesCopy = new long[Math.toIntExact(classes.size())];
        probs.copyTo(DataBuffers.of(probsCopy, false, false));
        classes.copyTo(DataBuffers.of(classesCopy, false, false));
        checksum += classesCopy[0] + Float.floatToRawIntBits(probsCopy[0]);
      }
      recorder.recordValue((System.nanoTime() - start) / 1000);
    }
    return checksum;
  }

  /** Graph tensor names behind the signature's aliases, as the server's backend resolves them. */
  private record GraphNames(String input, String probs, String classes) {}
}
