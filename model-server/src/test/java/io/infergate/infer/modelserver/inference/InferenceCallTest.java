package io.infergate.infer.modelserver.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.InferenceException.Kind;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.batching.Batcher;
import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.repository.ServedVersion;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.SignatureDef;

/**
 * The call path on a fake model, without gRPC or TensorFlow: every call is answered exactly once
 * and releases its version exactly once, whatever happens to it.
 */
class InferenceCallTest {
  /** Workers that run nothing until the test says so. */
  private final Queue<Runnable> workers = new ArrayDeque<>();

  private final InferencePath path =
      new InferencePath(new ModelResolver(name -> null), new WorkerQueue(workers::add, 1, 1));

  /** A path on which a model whose runs have been timed runs on the receiving thread. */
  private final InferencePath inlinePath =
      new InferencePath(
          new ModelResolver(name -> null), new WorkerQueue(workers::add, 1, 1, Long.MAX_VALUE));

  private final FakeModel model = new FakeModel();

  @Test
  void anUnbatchedCallRunsOnAWorkerAndReleasesItsVersion() throws Exception {
    ServedVersion version = unbatched();
    TestCall call = submit(version, new TestCall(version));
    assertThat(version.callsInFlight()).isEqualTo(1);

    runWorkers();

    assertThat(call.answer.get(5, TimeUnit.SECONDS)).hasSize(1);
    assertThat(model.runs).hasValue(1);
    assertAnsweredOnceAndReleased(call, version);
  }

  @Test
  void anUnbatchedCallWhoseCallerLeftBeforeAWorkerTookItIsDroppedAndNeverRuns() {
    ServedVersion version = unbatched();
    TestCall call = submit(version, new TestCall(version));
    call.gone = true;

    runWorkers();

    assertRefused(call, Kind.ABANDONED);
    assertThat(call.refusal.getMessage()).isEqualTo("while waiting for a worker");
    assertThat(model.runs).hasValue(0);
    assertAnsweredOnceAndReleased(call, version);
  }

  @Test
  void aCallOfAModelThatRunsQuicklyRunsOnTheReceivingThreadOnceARunHasBeenTimed() {
    ServedVersion version = unbatched();
    TestCall first = timeARun(version);
    assertAnsweredOnceAndReleased(first, version);

    TestCall second = new TestCall(version);
    inlinePath.submit(second);

    assertThat(workers).isEmpty();
    assertThat(second.answer).isCompleted();
    assertThat(model.runs).hasValue(2);
    assertAnsweredOnceAndReleased(second, version);
  }

  @Test
  void anErrorFromAModelRunOnTheReceivingThreadAnswersTheCallAndReleasesItsVersionOnce() {
    ServedVersion version = unbatched();
    timeARun(version);
    model.failure = new StackOverflowError("deep graph");
    TestCall call = new TestCall(version);

    inlinePath.submit(call);

    assertThat(workers).isEmpty();
    assertRefused(call, Kind.INTERNAL);
    assertAnsweredOnceAndReleased(call, version);
  }

  @Test
  void anErrorFromTheModelAnswersTheCallAndReleasesItsVersionOnce() {
    ServedVersion version = unbatched();
    model.failure = new StackOverflowError("deep graph");
    TestCall call = submit(version, new TestCall(version));

    runWorkers();

    assertRefused(call, Kind.INTERNAL);
    assertThat(call.refusal.getCause()).isInstanceOf(StackOverflowError.class);
    assertAnsweredOnceAndReleased(call, version);
  }

  @Test
  void anErrorWhileEncodingTheAnswerStillReleasesTheVersionOnce() {
    ServedVersion version = unbatched();
    TestCall call = submit(version, new TestCall(version));
    call.encodeFailure = new OutOfMemoryError("response too large");

    runWorkers();

    assertRefused(call, Kind.INTERNAL);
    assertAnsweredOnceAndReleased(call, version);
  }

  @Test
  void anErrorFromTheModelInABatchAnswersTheCallAndReleasesItsVersionOnce() throws Exception {
    try (Batcher batcher = batcher()) {
      ServedVersion version = new ServedVersion("fake", 1, model, batcher, Runnable::run);
      model.failure = new AssertionError("kernel bug");
      TestCall call = submit(version, new TestCall(version));

      assertThat(call.answer).failsWithin(Duration.ofSeconds(10));
      assertRefused(call, Kind.INTERNAL);
      assertAnsweredOnceAndReleased(call, version);

      // The batcher lives on: the next call is answered.
      model.failure = null;
      TestCall next = submit(version, new TestCall(version));
      assertThat(next.answer.get(10, TimeUnit.SECONDS)).hasSize(1);
      assertAnsweredOnceAndReleased(next, version);
    }
  }

  @Test
  void aRequestThatDoesNotFitIsRefusedAndReleasesItsVersion() {
    ServedVersion version = unbatched();
    TestCall call = new TestCall(version);
    call.decodeFailure = InferenceException.badInput("input 'x': wrong");
    submit(version, call);

    assertRefused(call, Kind.BAD_INPUT);
    assertThat(workers).isEmpty();
    assertAnsweredOnceAndReleased(call, version);
  }

  @Test
  void aFullWorkerQueueShedsTheCallAndReleasesItsVersion() {
    ServedVersion version = unbatched();
    TestCall first = submit(version, new TestCall(version));
    TestCall shed = submit(version, new TestCall(version));

    assertRefused(shed, Kind.OVERLOADED);
    assertThat(shed.answers).hasValue(1);
    assertThat(version.callsInFlight()).as("the first call's reference").isEqualTo(1);
    runWorkers();
    assertAnsweredOnceAndReleased(first, version);
  }

  @Test
  void aVersionThatCannotBeFoundIsRefusedWithNothingHeld() {
    ServedVersion version = unbatched();
    TestCall call = new TestCall(version);
    call.missing = true;
    submit(version, call);

    assertRefused(call, Kind.NOT_FOUND);
    assertThat(call.answers).hasValue(1);
    assertThat(version.callsInFlight()).isZero();
  }

  /** Runs a first call of {@code version} through the inline path on a worker, timing a run. */
  private TestCall timeARun(ServedVersion version) {
    TestCall first = new TestCall(version);
    inlinePath.submit(first);
    assertThat(workers).as("no run timed yet: the first call goes to a worker").hasSize(1);
    runWorkers();
    return first;
  }

  private TestCall submit(ServedVersion version, TestCall call) {
    path.submit(call);
    return call;
  }

  private ServedVersion unbatched() {
    return new ServedVersion("fake", 1, model, null, Runnable::run);
  }

  private Batcher batcher() {
    return Batcher.start(
        "fake",
        1,
        model::run,
        new BatchingConfig(true, 4, Duration.ZERO, List.of(), 8),
        Runnable::run);
  }

  private void runWorkers() {
    for (Runnable task; (task = workers.poll()) != null; ) {
      task.run();
    }
  }

  private static void assertRefused(TestCall call, Kind kind) {
    assertThat(call.refusal).isNotNull();
    assertThat(call.refusal.kind()).isEqualTo(kind);
  }

  private void assertAnsweredOnceAndReleased(TestCall call, ServedVersion version) {
    assertThat(call.answers).hasValue(1);
    assertThat(version.callsInFlight()).isZero();
    assertThat(model.closed).as("the repository's own reference is still held").hasValue(0);
  }

  /** One FP32 input {@code x [-1,2]}, one output {@code y} = x; fails as the test says. */
  private static final class FakeModel implements LoadedModel {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    volatile Error failure;

    @Override
    public List<TensorSpec> inputs() {
      return List.of(new TensorSpec("x", ElementType.FP32, new long[] {-1, 2}));
    }

    @Override
    public List<TensorSpec> outputs() {
      return List.of(new TensorSpec("y", ElementType.FP32, new long[] {-1, 2}));
    }

    @Override
    public SignatureDef signatureDef() {
      return SignatureDef.getDefaultInstance();
    }

    @Override
    public HostTensor[] run(HostTensor[] feeds, int[] fetch) {
      runs.incrementAndGet();
      Error failing = failure;
      if (failing != null) {
        throw failing;
      }
      return new HostTensor[] {feeds[0]};
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  /** A call whose answer lands in a future, failing where the test says. */
  private static final class TestCall extends InferenceCall<HostTensor[]> {
    final CompletableFuture<HostTensor[]> answer = new CompletableFuture<>();
    final AtomicInteger answers = new AtomicInteger();
    final ServedVersion version;
    volatile InferenceException refusal;
    volatile boolean gone;
    volatile boolean missing;
    volatile InferenceException decodeFailure;
    volatile Error encodeFailure;

    TestCall(ServedVersion version) {
      this.version = version;
    }

    @Override
    protected ServedVersion acquire(ModelResolver models) {
      if (missing || !version.tryAcquire()) {
        throw InferenceException.notFound("model 'fake' not found");
      }
      return version;
    }

    @Override
    protected HostTensor[] decodeInputs(LoadedModel model) {
      if (decodeFailure != null) {
        throw decodeFailure;
      }
      return new HostTensor[] {
        new HostTensor(ElementType.FP32, new long[] {1, 2}, ByteBuffer.allocate(8))
      };
    }

    @Override
    protected int[] decodeOutputs(LoadedModel model) {
      return new int[] {0};
    }

    @Override
    protected HostTensor[] response(ServedVersion version, HostTensor[] outputs) {
      if (encodeFailure != null) {
        throw encodeFailure;
      }
      return outputs;
    }

    @Override
    protected void reply(HostTensor[] response) {
      answers.incrementAndGet();
      answer.complete(response);
    }

    @Override
    protected void refuse(InferenceException failure) {
      answers.incrementAndGet();
      refusal = failure;
      answer.completeExceptionally(failure);
    }

    @Override
    protected boolean abandoned() {
      return gone;
    }
  }
}
