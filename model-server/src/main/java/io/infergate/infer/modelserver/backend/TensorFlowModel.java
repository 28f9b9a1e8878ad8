package io.infergate.infer.modelserver.backend;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.config.TensorFlowConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.RawTensor;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFFailedPreconditionException;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TFPermissionDeniedException;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TFUnauthenticatedException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * One loaded SavedModel version and its {@code serving_default} signature. Thread-safe: TensorFlow
 * sessions run concurrently, and everything else here is immutable after loading.
 *
 * <p>Inputs and outputs are ordered by alias, so metadata and positional arrays agree everywhere.
 * TensorFlow's exceptions do not leave this class: {@link #run} maps them to {@link
 * InferenceException}s.
 */
public final class TensorFlowModel implements LoadedModel {

  /** The signature every client gets when it names none, as in TF Serving. */
  public static final String DEFAULT_SIGNATURE = "serving_default";

  private static final String SERVE_TAG = "serve";

  /** TensorFlow's exception classes (all final) and the kinds they stand for. */
  private static final Map<Class<?>, InferenceException.Kind> KINDS =
      Map.of(
          TFInvalidArgumentException.class, InferenceException.Kind.BAD_INPUT,
          TFOutOfRangeException.class, InferenceException.Kind.OUT_OF_RANGE,
          TFFailedPreconditionException.class, InferenceException.Kind.FAILED_PRECONDITION,
          TFResourceExhaustedException.class, InferenceException.Kind.RESOURCE_EXHAUSTED,
          TFUnimplementedException.class, InferenceException.Kind.UNIMPLEMENTED,
          TFPermissionDeniedException.class, InferenceException.Kind.PERMISSION_DENIED,
          TFUnauthenticatedException.class, InferenceException.Kind.UNAUTHENTICATED);

  private final SavedModelBundle bundle;
  private final SignatureDef signatureDef;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final String[] inputGraphNames;
  private final String[] outputGraphNames;

  private TensorFlowModel(SavedModelBundle bundle, SignatureDef signatureDef) {
    this.bundle = bundle;
    this.signatureDef = signatureDef;
    Map<String, TensorInfo> in = new TreeMap<>(signatureDef.getInputsMap());
    Map<String, TensorInfo> out = new TreeMap<>(signatureDef.getOutputsMap());
    this.inputs = specs(in);
    this.outputs = specs(out);
    this.inputGraphNames = in.values().stream().map(TensorInfo::getName).toArray(String[]::new);
    this.outputGraphNames = out.values().stream().map(TensorInfo::getName).toArray(String[]::new);
  }

  /**
   * Loads the SavedModel in {@code dir} with the {@code serve} tag.
   *
   * @throws ModelLoadException when the directory is not a SavedModel, has no {@code
   *     serving_default} signature, or uses an element type this server does not serve
   */
  public static TensorFlowModel load(Path dir, TensorFlowConfig options) {
    requireNonNull(dir, "dir");
    requireNonNull(options, "options");
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new ModelLoadException(dir + ": no saved_model.pb");
    }
    SavedModelBundle bundle;
    try {
      bundle =
          SavedModelBundle.loader(dir.toString())
              .withTags(SERVE_TAG)
              .withConfigProto(sessionConfig(options))
              .load();
    } catch (RuntimeException e) {
      throw new ModelLoadException(dir + ": TensorFlow could not load it: " + e.getMessage(), e);
    }
    try {
      SignatureDef def = bundle.metaGraphDef().getSignatureDefMap().get(DEFAULT_SIGNATURE);
      if (def == null) {
        throw new ModelLoadException(dir + ": no '" + DEFAULT_SIGNATURE + "' signature");
      }
      return new TensorFlowModel(bundle, def);
    } catch (RuntimeException e) {
      bundle.close();
      throw e;
    }
  }

  /** Loads with the default session options ({@link TensorFlowConfig#DEFAULT}). */
  public static TensorFlowModel load(Path dir) {
    return load(dir, TensorFlowConfig.DEFAULT);
  }

  /** TensorFlow's session options; the GPU ones are ignored by the CPU native library. */
  static ConfigProto sessionConfig(TensorFlowConfig options) {
    GPUOptions.Builder gpu =
        GPUOptions.newBuilder()
            .setAllowGrowth(options.gpuAllowGrowth())
            .setVisibleDeviceList(options.gpuVisibleDevices());
    if (options.gpuMemoryFraction() > 0) {
      gpu.setPerProcessGpuMemoryFraction(options.gpuMemoryFraction());
    }
    return ConfigProto.newBuilder()
        .setInterOpParallelismThreads(options.interOpThreads())
        .setIntraOpParallelismThreads(options.intraOpThreads())
        .setGpuOptions(gpu)
        .build();
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  @Override
  public List<TensorSpec> outputs() {
    return outputs;
  }

  @Override
  public SignatureDef signatureDef() {
    return signatureDef;
  }

  @Override
  public HostTensor[] run(HostTensor[] feeds, int[] fetch) {
    try {
      return runSession(feeds, fetch);
    } catch (RuntimeException e) { // TensorFlow's, and any other (a closed session, say)
      InferenceException.Kind kind = kind(e);
      throw kind == InferenceException.Kind.INTERNAL
          ? InferenceException.from(e)
          : InferenceException.of(kind, e);
    }
  }

  private HostTensor[] runSession(HostTensor[] feeds, int[] fetch) {
    Session.Runner runner = bundle.session().runner();
    List<Tensor> fed = new ArrayList<>(feeds.length);
    try {
      for (int i = 0; i < feeds.length; i++) {
        Tensor tensor = tensorOf(feeds[i]);
        fed.add(tensor);
        runner.feed(inputGraphNames[i], tensor);
      }
      for (int index : fetch) {
        runner.fetch(outputGraphNames[index]);
      }
      try (Result result = runner.run()) {
        HostTensor[] fetched = new HostTensor[fetch.length];
        for (int i = 0; i < fetch.length; i++) {
          fetched[i] = toHost(outputs.get(fetch[i]).type(), result.get(i).asRawTensor());
        }
        return fetched;
      }
    } finally {
      for (Tensor tensor : fed) {
        tensor.close();
      }
    }
  }

  @Override
  public void close() {
    bundle.close();
  }

  /**
   * A new TensorFlow tensor holding {@code feed}'s bytes, copied in one bulk copy. Not {@code
   * Tensor.of(type, shape, DataBuffers.of(byteBuffer))}: ndarray 1.0 has no bulk path from an NIO
   * buffer into a tensor's native memory and copies that one byte at a time (about 1 ns a byte: 17
   * µs for a batch of 64 digits, 250 µs for 64 images of 28×28), whereas from a {@code byte[]} it
   * is one memcpy.
   */
  private static Tensor tensorOf(HostTensor feed) {
    ByteBuffer data = feed.data();
    int length = data.remaining();
    byte[] bytes;
    int offset;
    if (data.hasArray()) { // a batch, concatenated on the heap
      bytes = data.array();
      offset = data.arrayOffset() + data.position();
    } else { // a read-only view of a request's bytes: one more memcpy
      bytes = new byte[length];
      data.duplicate().get(bytes);
      offset = 0;
    }
    Tensor tensor = Tensor.of(tensorClass(feed.type()), Shape.of(feed.shape()));
    try {
      tensor.asRawTensor().data().write(bytes, offset, length);
    } catch (RuntimeException e) {
      tensor.close();
      throw e;
    }
    return tensor;
  }

  private static HostTensor toHost(ElementType type, RawTensor raw) {
    byte[] bytes = new byte[Math.toIntExact(raw.numBytes())];
    raw.data().read(bytes);
    return new HostTensor(type, raw.shape().asArray(), ByteBuffer.wrap(bytes));
  }

  private static List<TensorSpec> specs(Map<String, TensorInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>(infos.size());
    infos.forEach((alias, info) -> specs.add(spec(alias, info)));
    return List.copyOf(specs);
  }

  private static TensorSpec spec(String alias, TensorInfo info) {
    ElementType type = ElementType.fromDataType(info.getDtype());
    if (type == null) {
      throw new ModelLoadException(
          "signature tensor '" + alias + "' has type " + info.getDtype() + ", which is not served");
    }
    TensorShapeProto shape = info.getTensorShape();
    if (shape.getUnknownRank()) {
      throw new ModelLoadException("signature tensor '" + alias + "' has unknown rank");
    }
    long[] dims = new long[shape.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.getDim(i).getSize();
    }
    return new TensorSpec(alias, type, dims);
  }

  /**
   * The kind each of TensorFlow's exceptions stands for; TensorFlow's other codes (NOT_FOUND,
   * INTERNAL, ...) and anything else say something went wrong inside the server, not with the call.
   */
  private static InferenceException.Kind kind(RuntimeException e) {
    return KINDS.getOrDefault(e.getClass(), InferenceException.Kind.INTERNAL);
  }

  private static Class<? extends TType> tensorClass(ElementType type) {
    return switch (type) {
      case BOOL -> TBool.class;
      case UINT8 -> TUint8.class;
      case INT32 -> TInt32.class;
      case INT64 -> TInt64.class;
      case FP32 -> TFloat32.class;
      case FP64 -> TFloat64.class;
    };
  }
}
