package io.infergate.infer.gateway.proxy;

import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.infergate.infer.proto.oip.v2.ServerLiveResponse;
import io.infergate.infer.proto.oip.v2.ServerMetadataResponse;
import io.infergate.infer.proto.oip.v2.ServerReadyResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The gateway's handler registry: every method of the public API (and of any service added with
 * {@code Gateway.Builder#alsoForward}), built once at start-up, each forwarding raw bytes by model
 * (or, for the three server-level OIP methods, answered here). Any other method name is
 * UNIMPLEMENTED, so unknown names cannot make the gateway allocate. {@link #getServices()} carries
 * the generated schemas, so the gateway's reflection describes what it forwards.
 */
public final class ForwardingRegistry extends HandlerRegistry {
  private final Map<String, ServerMethodDefinition<?, ?>> methods;
  private final List<ServerServiceDefinition> services;

  /**
   * @param routes the routes in force
   * @param serverName and {@code serverVersion}: what ServerMetadata reports
   * @param ready what ServerReady reports
   * @param extraServices services forwarded besides the public API, routed by the model name in
   *     field 1 of their first request message
   * @param maxPeekedFields the most fields read from a request to find its model; see {@code
   *     GatewayConfig#maxPeekedFields}
   */
  public ForwardingRegistry(
      LiveRoutes routes,
      String serverName,
      String serverVersion,
      BooleanSupplier ready,
      List<ServiceDescriptor> extraServices,
      int maxPeekedFields) {
    List<ServiceDescriptor> served = new ArrayList<>(MethodCatalog.services());
    served.addAll(extraServices);
    Map<String, ForwardedMethod> catalog = MethodCatalog.methods(served, maxPeekedFields);
    byte[] live = ServerLiveResponse.newBuilder().setLive(true).build().toByteArray();
    byte[] readyTrue = ServerReadyResponse.newBuilder().setReady(true).build().toByteArray();
    byte[] readyFalse = ServerReadyResponse.getDefaultInstance().toByteArray();
    byte[] metadata =
        ServerMetadataResponse.newBuilder()
            .setName(serverName)
            .setVersion(serverVersion)
            .build()
            .toByteArray();
    Map<String, ServerMethodDefinition<?, ?>> byName = new HashMap<>();
    List<ServerServiceDefinition> definitions = new ArrayList<>();
    for (ServiceDescriptor generated : served) {
      ServiceDescriptor.Builder raw =
          ServiceDescriptor.newBuilder(generated.getName())
              .setSchemaDescriptor(generated.getSchemaDescriptor());
      List<ServerMethodDefinition<byte[], byte[]>> defined = new ArrayList<>();
      for (MethodDescriptor<?, ?> method : generated.getMethods()) {
        ForwardedMethod forwarded = catalog.get(method.getFullMethodName());
        ServerCallHandler<byte[], byte[]> handler =
            switch (method.getFullMethodName()) {
              case "inference.GRPCInferenceService/ServerLive" -> new LocalAnswer(() -> live);
              case "inference.GRPCInferenceService/ServerReady" ->
                  new LocalAnswer(() -> ready.getAsBoolean() ? readyTrue : readyFalse);
              case "inference.GRPCInferenceService/ServerMetadata" ->
                  new LocalAnswer(() -> metadata);
              default -> new ForwardingHandler(forwarded, routes);
            };
        MethodDescriptor<byte[], byte[]> bounded = RequestMarshaller.served(forwarded.descriptor());
        raw.addMethod(bounded);
        defined.add(ServerMethodDefinition.create(bounded, handler));
      }
      ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(raw.build());
      for (ServerMethodDefinition<byte[], byte[]> definition : defined) {
        service.addMethod(definition);
        byName.put(definition.getMethodDescriptor().getFullMethodName(), definition);
      }
      definitions.add(service.build());
    }
    this.methods = Map.copyOf(byName);
    this.services = List.copyOf(definitions);
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    return methods.get(methodName);
  }

  @Override
  public List<ServerServiceDefinition> getServices() {
    return services;
  }
}
