package io.infergate.infer.modelserver.testing;

import io.grpc.ManagedChannel;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.tfserving.ModelServiceGrpc;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One model server over the shared {@link TestRepository} for a whole test class, started before
 * its first test and closed after its last: {@code @RegisterExtension static final ServerExtension
 * server = new ServerExtension();}.
 */
public final class ServerExtension implements BeforeAllCallback, AfterAllCallback {
  private RunningServer running;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    running = RunningServer.start(TestRepository.shared());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    running.close();
  }

  /** The server, while the class's tests run. */
  public RunningServer get() {
    return running;
  }

  public ManagedChannel channel() {
    return running.channel();
  }

  public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip() {
    return running.oip();
  }

  public PredictionServiceGrpc.PredictionServiceBlockingStub prediction() {
    return running.prediction();
  }

  public ModelServiceGrpc.ModelServiceBlockingStub modelService() {
    return running.modelService();
  }
}
