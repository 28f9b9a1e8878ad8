package io.infergate.infer.modelserver.grpc;

import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.inference.ModelResolver;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.VersionState;
import io.infergate.infer.proto.tfserving.GetModelStatusRequest;
import io.infergate.infer.proto.tfserving.GetModelStatusResponse;
import io.infergate.infer.proto.tfserving.ModelServiceGrpc;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.ModelVersionStatus;
import io.infergate.infer.proto.tfserving.StatusProto;
import org.tensorflow.proto.error.Code;

/**
 * {@code tensorflow.serving.ModelService}: GetModelStatus, one entry per version directory the
 * repository knows: available, loading, unloading, or END with the error that stopped it loading.
 */
public final class TfServingModelService extends ModelServiceGrpc.ModelServiceImplBase {
  private static final StatusProto OK = StatusProto.newBuilder().setErrorCode(Code.OK).build();

  private final ModelResolver resolver;

  /**
   * @param models where calls find their models
   */
  public TfServingModelService(ModelResolver models) {
    this.resolver = models;
  }

  @Override
  public void getModelStatus(
      GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> observer) {
    try {
      ModelSpec spec = request.getModelSpec();
      ServedModel model = resolver.model(spec.getName(), "model_spec.name");
      GetModelStatusResponse.Builder response = GetModelStatusResponse.newBuilder();
      String label = ModelSpecs.label(spec);
      if (spec.hasVersion() || label != null) {
        long version =
            ModelResolver.versionNumber(model, ModelSpecs.version(spec, model.name()), label);
        for (VersionState state : model.states()) {
          if (state.version() == version) {
            response.addModelVersionStatus(status(state));
          }
        }
        if (response.getModelVersionStatusCount() == 0) {
          throw InferenceException.notFound(
              "model '" + model.name() + "' version " + version + " not found");
        }
      } else {
        model.states().forEach(state -> response.addModelVersionStatus(status(state)));
      }
      observer.onNext(response.build());
      observer.onCompleted();
    } catch (RuntimeException e) {
      Statuses.reply(observer, e);
    }
  }

  private static ModelVersionStatus status(VersionState state) {
    ModelVersionStatus.Builder status = ModelVersionStatus.newBuilder().setVersion(state.version());
    switch (state.state()) {
      case LOADING -> status.setState(ModelVersionStatus.State.LOADING).setStatus(OK);
      case AVAILABLE -> status.setState(ModelVersionStatus.State.AVAILABLE).setStatus(OK);
      case UNLOADING -> status.setState(ModelVersionStatus.State.UNLOADING).setStatus(OK);
      case END ->
          status
              .setState(ModelVersionStatus.State.END)
              .setStatus(
                  StatusProto.newBuilder()
                      .setErrorCode(Code.FAILED_PRECONDITION)
                      .setErrorMessage(state.error()));
    }
    return status.build();
  }
}
