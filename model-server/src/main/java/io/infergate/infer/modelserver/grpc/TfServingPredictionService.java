package io.infergate.infer.modelserver.grpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.Int64Value;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.backend.TensorFlowModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.inference.InferenceCall;
import io.infergate.infer.modelserver.inference.InferencePath;
import io.infergate.infer.modelserver.inference.ModelResolver;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
import io.infergate.infer.modelserver.telemetry.Api;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.telemetry.RpcMethod;
import io.infergate.infer.proto.tfserving.GetModelMetadataRequest;
import io.infergate.infer.proto.tfserving.GetModelMetadataResponse;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictResponse;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import io.infergate.infer.proto.tfserving.SignatureDefMap;
import java.util.List;

/**
 * {@code tensorflow.serving.PredictionService}: Predict and GetModelMetadata, with TF Serving's
 * checks and wording, so TF Serving clients and their error handling work unchanged.
 */
public final class TfServingPredictionService
    extends PredictionServiceGrpc.PredictionServiceImplBase {
  private static final String SIGNATURE_DEF_FIELD = "signature_def";
  private static final RpcMethod PREDICT =
      new RpcMethod(PredictionServiceGrpc.getPredictMethod().getFullMethodName(), Api.TFSERVING);

  private final InferencePath inference;
  private final ModelResolver resolver;
  private final ModelServerTelemetry telemetry;

  /**
   * @param inference where Predict calls go, and metadata calls find their models
   */
  public TfServingPredictionService(InferencePath inference) {
    this.inference = requireNonNull(inference, "inference");
    this.resolver = inference.models();
    this.telemetry = inference.telemetry();
  }

  /**
   * Runs the call on a worker, or, for a batched model version, queues it and answers from the
   * batch, without holding this thread while it waits (see {@link InferenceCall}).
   */
  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
    inference.submit(new Predict(request, observer));
  }

  @Override
  public void getModelMetadata(
      GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> observer) {
    try {
      if (request.getMetadataFieldCount() == 0) {
        throw InferenceException.badInput(
            "GetModelMetadataRequest must specify at least one metadata_field");
      }
      for (String field : request.getMetadataFieldList()) {
        if (!SIGNATURE_DEF_FIELD.equals(field)) {
          throw InferenceException.badInput("Metadata field " + field + " is not supported");
        }
      }
      ServedVersion version = resolve(resolver, request.getModelSpec());
      SignatureDefMap signatures =
          SignatureDefMap.newBuilder()
              .putSignatureDef(TensorFlowModel.DEFAULT_SIGNATURE, version.loaded().signatureDef())
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

  /** The version a spec names, without a reference (metadata only). */
  private static ServedVersion resolve(ModelResolver models, ModelSpec spec) {
    ServedModel model = models.model(spec.getName(), "model_spec.name");
    return ModelResolver.version(
        model, ModelSpecs.version(spec, model.name()), ModelSpecs.label(spec));
  }

  private static ModelSpec answeredSpec(ServedVersion version) {
    return ModelSpec.newBuilder()
        .setName(version.model())
        .setVersion(Int64Value.of(version.number()))
        .setSignatureName(TensorFlowModel.DEFAULT_SIGNATURE)
        .build();
  }

  /** One Predict call: which version it names, its tensors, and its answer. */
  private final class Predict extends GrpcCall<PredictRequest, PredictResponse> {
    Predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
      super(request, observer, telemetry, PREDICT);
    }

    /** An unknown model is reported before an unknown signature, as TF Serving does. */
    @Override
    protected ServedVersion acquire(ModelResolver models) {
      ModelSpec spec = request.getModelSpec();
      String signature = spec.getSignatureName();
      if (!signature.isEmpty() && !signature.equals(TensorFlowModel.DEFAULT_SIGNATURE)) {
        resolve(models, spec);
        throw InferenceException.of(
            InferenceException.Kind.FAILED_PRECONDITION,
            "Serving signature key \"" + signature + "\" not found.");
      }
      String name = models.model(spec.getName(), "model_spec.name").name();
      return models.acquire(
          name, "model_spec.name", ModelSpecs.version(spec, name), ModelSpecs.label(spec));
    }

    @Override
    protected HostTensor[] decodeInputs(LoadedModel model) {
      return TfTensors.decodeInputs(request.getInputsMap(), model.inputs());
    }

    @Override
    protected int[] decodeOutputs(LoadedModel model) {
      return TfTensors.outputFilter(request, model.outputs());
    }

    @Override
    protected PredictResponse response(ServedVersion version, HostTensor[] results) {
      List<TensorSpec> outputs = version.loaded().outputs();
      int[] fetch = fetch();
      PredictResponse.Builder response = PredictResponse.newBuilder();
      for (int i = 0; i < fetch.length; i++) {
        response.putOutputs(outputs.get(fetch[i]).name(), TfTensors.encode(results[i]));
      }
      return response.setModelSpec(answeredSpec(version)).build();
    }
  }
}
