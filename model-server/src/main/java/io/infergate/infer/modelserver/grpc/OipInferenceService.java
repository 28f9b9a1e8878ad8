package io.infergate.infer.modelserver.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.TensorFlowModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.repository.ModelRepository;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
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

  private final ModelResolver resolver;
  private final WorkerQueue workers;
  private final ServerMetadataResponse serverMetadata;
  private final BooleanSupplier ready;

  /**
   * @param models where calls find their models (and batched versions their batchers)
   * @param workers where unbatched models run; gRPC itself calls this service on its event loops,
   *     so a call costs one hand-off to a worker and none back
   * @param serverName and {@code serverVersion}: what ServerMetadata reports
   * @param ready false while the server is draining, so ServerReady tells load balancers to stop
   *     sending
   */
  public OipInferenceService(
      ModelRepository models,
      WorkerQueue workers,
      String serverName,
      String serverVersion,
      BooleanSupplier ready) {
    this.resolver = new ModelResolver(models);
    this.workers = requireNonNull(workers, "workers");
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
    } catch (Statuses.Rejection notReady) {
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
      version.tensorFlow().inputs().forEach(spec -> response.addInputs(metadata(spec)));
      version.tensorFlow().outputs().forEach(spec -> response.addOutputs(metadata(spec)));
      observer.onNext(response.build());
      observer.onCompleted();
    } catch (RuntimeException e) {
      Statuses.reply(observer, e);
    }
  }

  /**
   * Runs the call at once, or, for a batched model version, queues it and answers from the batch
   * (without holding this thread while it waits). The version stays acquired until the answer.
   */
  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    ServedVersion version;
    try {
      version = resolver.acquire(request.getModelName(), "model_name", request.getModelVersion());
    } catch (RuntimeException e) {
      Statuses.reply(observer, e);
      return;
    }
    try {
      TensorFlowModel tensorFlow = version.tensorFlow();
      HostTensor[] feeds = OipTensors.decodeInputs(request, version.model(), tensorFlow.inputs());
      int[] fetch = OipTensors.requestedOutputs(request, version.model(), tensorFlow.outputs());
      if (version.batcher() != null) {
        new QueuedInfer(feeds, fetch, observer, Context.current(), request, version).submit();
        return;
      }
      workers.submit(() -> runAndReply(request, version, feeds, fetch, observer));
    } catch (RuntimeException e) {
      version.release();
      Statuses.reply(observer, e);
    }
  }

  private static void runAndReply(
      ModelInferRequest request,
      ServedVersion version,
      HostTensor[] feeds,
      int[] fetch,
      StreamObserver<ModelInferResponse> observer) {
    ModelInferResponse response;
    try {
      response = response(request, version, fetch, version.tensorFlow().run(feeds, fetch));
    } catch (RuntimeException e) {
      version.release();
      Statuses.reply(observer, e);
      return;
    }
    version.release();
    observer.onNext(response);
    observer.onCompleted();
  }

  private static ModelInferResponse response(
      ModelInferRequest request, ServedVersion version, int[] fetch, HostTensor[] results) {
    List<TensorSpec> outputs = version.tensorFlow().outputs();
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

  private static TensorMetadata metadata(TensorSpec spec) {
    TensorMetadata.Builder metadata =
        TensorMetadata.newBuilder().setName(spec.name()).setDatatype(spec.type().protocolName());
    for (long dim : spec.shape()) {
      metadata.addShape(dim);
    }
    return metadata.build();
  }

  /** A ModelInfer call waiting for its batch. */
  private static final class QueuedInfer extends QueuedCall<ModelInferResponse> {
    private final ModelInferRequest request;
    private final ServedVersion version;
    private final int[] fetch;

    QueuedInfer(
        HostTensor[] feeds,
        int[] fetch,
        StreamObserver<ModelInferResponse> observer,
        Context context,
        ModelInferRequest request,
        ServedVersion version) {
      super(feeds, fetch, observer, context, version);
      this.request = request;
      this.version = version;
      this.fetch = fetch;
    }

    @Override
    ModelInferResponse response(HostTensor[] outputs) {
      return OipInferenceService.response(request, version, fetch, outputs);
    }
  }
}
