package io.infergate.infer.modelserver.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.inference.InferenceCall;
import io.infergate.infer.modelserver.inference.InferencePath;
import io.infergate.infer.modelserver.inference.ModelResolver;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
import io.infergate.infer.modelserver.telemetry.Api;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.telemetry.RpcMethod;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.oip.v2.ModelMetadataRequest;
import io.infergate.infer.proto.oip.v2.ModelMetadataResponse;
import io.infergate.infer.proto.oip.v2.ModelMetadataResponse.TensorMetadata;
import io.infergate.infer.proto.oip.v2.ModelReadyRequest;
import io.infergate.infer.proto.oip.v2.ModelReadyResponse;
import io.infergate.infer.proto.oip.v2.ServerLiveRequest;
import io.infergate.infer.proto.oip.v2.ServerLiveResponse;
import io.infergate.infer.proto.oip.v2.ServerMetadataRequest;
import io.infergate.infer.proto.oip.v2.ServerMetadataResponse;
import io.infergate.infer.proto.oip.v2.ServerReadyRequest;
import io.infergate.infer.proto.oip.v2.ServerReadyResponse;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * {@code inference.GRPCInferenceService}: the Open Inference Protocol v2, as KServe and Triton
 * serve it.
 */
public final class OipInferenceService
    extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  /** The {@code platform} Triton reports for TensorFlow SavedModels. */
  static final String PLATFORM = "tensorflow_savedmodel";

  private static final RpcMethod MODEL_INFER =
      new RpcMethod(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName(), Api.OIP);

  private final InferencePath inference;
  private final ModelResolver resolver;
  private final ModelServerTelemetry telemetry;
  private final ServerMetadataResponse serverMetadata;
  private final BooleanSupplier ready;

  /**
   * @param inference where ModelInfer calls go, and metadata calls find their models
   * @param serverName and {@code serverVersion}: what ServerMetadata reports
   * @param ready false while the server is draining, so ServerReady tells load balancers to stop
   *     sending
   */
  public OipInferenceService(
      InferencePath inference, String serverName, String serverVersion, BooleanSupplier ready) {
    this.inference = requireNonNull(inference, "inference");
    this.resolver = inference.models();
    this.telemetry = inference.telemetry();
    this.serverMetadata =
        ServerMetadataResponse.newBuilder().setName(serverName).setVersion(serverVersion).build();
    this.ready = requireNonNull(ready, "ready");
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
    observer.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
    observer.onCompleted();
  }

  @Override
  public void serverReady(
      ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
    observer.onNext(ServerReadyResponse.newBuilder().setReady(ready.getAsBoolean()).build());
    observer.onCompleted();
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
    observer.onNext(serverMetadata);
    observer.onCompleted();
  }

  /** Triton's behaviour: an unknown model or version is not ready, rather than an error. */
  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
    boolean modelReady;
    try {
      ServedModel model = resolver.model(request.getName(), "name");
      ModelResolver.version(model, request.getVersion());
      modelReady = ready.getAsBoolean();
    } catch (InferenceException notReady) {
      modelReady = false;
    }
    observer.onNext(ModelReadyResponse.newBuilder().setReady(modelReady).build());
    observer.onCompleted();
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
    try {
      ServedModel model = resolver.model(request.getName(), "name");
      ServedVersion version = ModelResolver.version(model, request.getVersion());
      ModelMetadataResponse.Builder response =
          ModelMetadataResponse.newBuilder().setName(model.name()).setPlatform(PLATFORM);
      model.versions().keySet().forEach(v -> response.addVersions(Long.toString(v)));
      version.loaded().inputs().forEach(spec -> response.addInputs(metadata(spec)));
      version.loaded().outputs().forEach(spec -> response.addOutputs(metadata(spec)));
      observer.onNext(response.build());
      observer.onCompleted();
    } catch (RuntimeException e) {
      Statuses.reply(observer, e);
    }
  }

  /**
   * Runs the call on a worker, or, for a batched model version, queues it and answers from the
   * batch, without holding this thread while it waits (see {@link InferenceCall}).
   */
  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    inference.submit(new Infer(request, observer));
  }

  private static TensorMetadata metadata(TensorSpec spec) {
    TensorMetadata.Builder metadata =
        TensorMetadata.newBuilder().setName(spec.name()).setDatatype(spec.type().protocolName());
    for (long dim : spec.shape()) {
      metadata.addShape(dim);
    }
    return metadata.build();
  }

  /** One ModelInfer call: which version it names, its tensors, and its answer. */
  private final class Infer extends GrpcCall<ModelInferRequest, ModelInferResponse> {
    Infer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
      super(request, observer, telemetry, MODEL_INFER);
    }

    @Override
    protected ServedVersion acquire(ModelResolver models) {
      return models.acquire(request.getModelName(), "model_name", request.getModelVersion());
    }

    @Override
    protected HostTensor[] decodeInputs(LoadedModel model) {
      return OipTensors.decodeInputs(request, request.getModelName(), model.inputs());
    }

    @Override
    protected int[] decodeOutputs(LoadedModel model) {
      return OipTensors.requestedOutputs(request, request.getModelName(), model.outputs());
    }

    @Override
    protected ModelInferResponse response(ServedVersion version, HostTensor[] results) {
      List<TensorSpec> outputs = version.loaded().outputs();
      int[] fetch = fetch();
      ModelInferResponse.Builder response =
          ModelInferResponse.newBuilder()
              .setModelName(version.model())
              .setModelVersion(Long.toString(version.number()))
              .setId(request.getId());
      // Raw in, raw out: what KServe intends and what Triton's clients rely on.
      boolean raw = request.getRawInputContentsCount() > 0;
      for (int i = 0; i < fetch.length; i++) {
        HostTensor result = results[i];
        var output = OipTensors.outputHeader(outputs.get(fetch[i]).name(), result);
        if (raw) {
          response.addRawOutputContents(OipTensors.rawContents(result));
        } else {
          output.setContents(OipTensors.typedContents(result));
        }
        response.addOutputs(output);
      }
      return response.build();
    }
  }
}
