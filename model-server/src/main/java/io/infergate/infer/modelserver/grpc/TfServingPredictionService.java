package io.infergate.infer.modelserver.grpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.Int64Value;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.TensorFlowModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.repository.ModelRepository;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
import io.infergate.infer.proto.tfserving.GetModelMetadataRequest;
import io.infergate.infer.proto.tfserving.GetModelMetadataResponse;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictResponse;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import io.infergate.infer.proto.tfserving.SignatureDefMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.proto.TensorProto;

/**
 * {@code tensorflow.serving.PredictionService}: Predict and GetModelMetadata, with TF Serving's
 * checks and wording, so TF Serving clients and their error handling work unchanged.
 */
public final class TfServingPredictionService
    extends PredictionServiceGrpc.PredictionServiceImplBase {
  private static final String SIGNATURE_DEF_FIELD = "signature_def";

  private final ModelResolver resolver;
  private final WorkerQueue workers;

  /**
   * @param models where calls find their models (and batched versions their batchers)
   * @param workers where unbatched models run (gRPC calls this service on its event loops)
   */
  public TfServingPredictionService(ModelRepository models, WorkerQueue workers) {
    this.resolver = new ModelResolver(models);
    this.workers = requireNonNull(workers, "workers");
  }

  /**
   * Runs the call at once, or, for a batched model version, queues it and answers from the batch
   * (without holding this thread while it waits). The version stays acquired until the answer.
   */
  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
    ServedVersion version;
    try {
      String signature = request.getModelSpec().getSignatureName();
      if (!signature.isEmpty() && !signature.equals(TensorFlowModel.DEFAULT_SIGNATURE)) {
        resolve(request.getModelSpec()); // an unknown model is reported first, as TF Serving does
        throw Statuses.failedPrecondition("Serving signature key \"" + signature + "\" not found.");
      }
      version = acquire(request.getModelSpec());
    } catch (RuntimeException e) {
      Statuses.reply(observer, e);
      return;
    }
    try {
      TensorFlowModel model = version.tensorFlow();
      HostTensor[] feeds = decodeInputs(request.getInputsMap(), model.inputs());
      int[] fetch = outputFilter(request, model.outputs());
      if (version.batcher() != null) {
        new QueuedPredict(feeds, fetch, observer, Context.current(), version).submit();
        return;
      }
      workers.submit(() -> runAndReply(version, feeds, fetch, observer));
    } catch (RuntimeException e) {
      version.release();
      Statuses.reply(observer, e);
    }
  }

  private static void runAndReply(
      ServedVersion version,
      HostTensor[] feeds,
      int[] fetch,
      StreamObserver<PredictResponse> observer) {
    PredictResponse response;
    try {
      response = response(version, fetch, version.tensorFlow().run(feeds, fetch));
    } catch (RuntimeException e) {
      version.release();
      Statuses.reply(observer, e);
      return;
    }
    version.release();
    observer.onNext(response);
    observer.onCompleted();
  }

  @Override
  public void getModelMetadata(
      GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> observer) {
    try {
      if (request.getMetadataFieldCount() == 0) {
        throw Statuses.invalidArgument(
            "GetModelMetadataRequest must specify at least one metadata_field");
      }
      for (String field : request.getMetadataFieldList()) {
        if (!SIGNATURE_DEF_FIELD.equals(field)) {
          throw Statuses.invalidArgument("Metadata field " + field + " is not supported");
        }
      }
      ServedVersion version = resolve(request.getModelSpec());
      SignatureDefMap signatures =
          SignatureDefMap.newBuilder()
              .putSignatureDef(
                  TensorFlowModel.DEFAULT_SIGNATURE, version.tensorFlow().signatureDef())
              .build();
      observer.onNext(
          GetModelMetadataResponse.newBuilder()
              .setModelSpec(answeredSpec(version))
              .putMetadata(SIGNATURE_DEF_FIELD, Any.pack(signatures))
              .build());
      observer.onCompleted();
    } catch (RuntimeException e) {
      Statuses.reply(observer, e);
    }
  }

  private static PredictResponse response(
      ServedVersion version, int[] fetch, HostTensor[] results) {
    List<TensorSpec> outputs = version.tensorFlow().outputs();
    PredictResponse.Builder response = PredictResponse.newBuilder();
    for (int i = 0; i < fetch.length; i++) {
      response.putOutputs(outputs.get(fetch[i]).name(), TfTensors.encode(results[i]));
    }
    return response.setModelSpec(answeredSpec(version)).build();
  }

  /** The version a spec names, without a reference (metadata only). */
  private ServedVersion resolve(ModelSpec spec) {
    ServedModel model = resolver.model(spec.getName(), "model_spec.name");
    return ModelResolver.version(model, version(spec, model.name()), label(spec));
  }

  /** The version a spec names, acquired for one call. */
  private ServedVersion acquire(ModelSpec spec) {
    String name = resolver.model(spec.getName(), "model_spec.name").name();
    return resolver.acquire(name, "model_spec.name", version(spec, name), label(spec));
  }

  /** The spec's version number; 0 (the newest) when it names none or a label. */
  private static long version(ModelSpec spec, String model) {
    if (!spec.hasVersion()) {
      return 0;
    }
    long version = spec.getVersion().getValue();
    if (version <= 0) {
      throw Statuses.notFound("model '" + model + "' version " + version + " not found");
    }
    return version;
  }

  private static String label(ModelSpec spec) {
    return spec.getVersionChoiceCase() == ModelSpec.VersionChoiceCase.VERSION_LABEL
        ? spec.getVersionLabel()
        : null;
  }

  static HostTensor[] decodeInputs(Map<String, TensorProto> given, List<TensorSpec> specs) {
    boolean complete = given.size() == specs.size();
    for (TensorSpec spec : specs) {
      complete &= given.containsKey(spec.name());
    }
    if (!complete) {
      TreeSet<String> extra = new TreeSet<>(given.keySet());
      TreeSet<String> missing = new TreeSet<>();
      for (TensorSpec spec : specs) {
        extra.remove(spec.name());
        if (!given.containsKey(spec.name())) {
          missing.add(spec.name());
        }
      }
      throw Statuses.invalidArgument(
          "input size does not match signature: "
              + given.size()
              + "!="
              + specs.size()
              + " len({"
              + String.join(",", given.keySet())
              + "}) != len({"
              + String.join(",", specs.stream().map(TensorSpec::name).toList())
              + "}). Sent extra: {"
              + String.join(",", extra)
              + "}. Missing but required: {"
              + String.join(",", missing)
              + "}.");
    }
    HostTensor[] feeds = new HostTensor[specs.size()];
    for (int i = 0; i < feeds.length; i++) {
      TensorSpec spec = specs.get(i);
      feeds[i] = TfTensors.decode(given.get(spec.name()), spec, i);
    }
    return feeds;
  }

  private static int[] outputFilter(PredictRequest request, List<TensorSpec> outputs) {
    int count = request.getOutputFilterCount();
    if (count == 0) {
      int[] all = new int[outputs.size()];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] fetch = new int[count];
    for (int i = 0; i < count; i++) {
      String alias = request.getOutputFilter(i);
      int index = -1;
      for (int j = 0; j < outputs.size(); j++) {
        if (outputs.get(j).name().equals(alias)) {
          index = j;
        }
      }
      if (index < 0) {
        throw Statuses.invalidArgument("output tensor alias not found in signature: " + alias);
      }
      for (int j = 0; j < i; j++) {
        if (fetch[j] == index) {
          throw Statuses.invalidArgument("duplicate output tensor alias: " + alias);
        }
      }
      fetch[i] = index;
    }
    return fetch;
  }

  private static ModelSpec answeredSpec(ServedVersion version) {
    return ModelSpec.newBuilder()
        .setName(version.model())
        .setVersion(Int64Value.of(version.number()))
        .setSignatureName(TensorFlowModel.DEFAULT_SIGNATURE)
        .build();
  }

  /** A Predict call waiting for its batch. */
  private static final class QueuedPredict extends QueuedCall<PredictResponse> {
    private final ServedVersion version;
    private final int[] fetch;

    QueuedPredict(
        HostTensor[] feeds,
        int[] fetch,
        StreamObserver<PredictResponse> observer,
        Context context,
        ServedVersion version) {
      super(feeds, fetch, observer, context, version);
      this.version = version;
      this.fetch = fetch;
    }

    @Override
    PredictResponse response(HostTensor[] outputs) {
      return TfServingPredictionService.response(version, fetch, outputs);
    }
  }
}
