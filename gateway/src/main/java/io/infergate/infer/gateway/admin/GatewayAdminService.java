package io.infergate.infer.gateway.admin;

import static io.infergate.infer.gateway.admin.ProtoTime.duration;
import static io.infergate.infer.gateway.admin.ProtoTime.timestamp;
import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.gateway.admin.LiveVariants.LiveVariant;
import io.infergate.infer.gateway.admin.ReleaseControl.Snapshot;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.proto.admin.v1.AuditEntry;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GetHistoryRequest;
import io.infergate.infer.proto.admin.v1.GetHistoryResponse;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.LiveFigures;
import io.infergate.infer.proto.admin.v1.PromoteRequest;
import io.infergate.infer.proto.admin.v1.RampRequest;
import io.infergate.infer.proto.admin.v1.RampState;
import io.infergate.infer.proto.admin.v1.RollbackRequest;
import io.infergate.infer.proto.admin.v1.RouteChange;
import io.infergate.infer.proto.admin.v1.RouteState;
import io.infergate.infer.proto.admin.v1.SetWeightsRequest;
import io.infergate.infer.proto.admin.v1.StartRampRequest;
import io.infergate.infer.proto.admin.v1.VariantState;
import io.infergate.infer.proto.admin.v1.WhoAmIRequest;
import io.infergate.infer.proto.admin.v1.WhoAmIResponse;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.release.Gates;
import io.infergate.infer.router.release.Ramp;
import io.infergate.infer.router.release.RampPlan;
import io.infergate.infer.router.release.WindowFigures;
import java.time.Duration;
import java.time.Instant;

/** Translates {@code GatewayAdmin} calls to {@link ReleaseControl} and its answers to protos. */
final class GatewayAdminService extends GatewayAdminGrpc.GatewayAdminImplBase {
  /** The window GetRoutes shows, when the route has no ramp whose gates name another. */
  static final Duration LIVE_WINDOW = Gates.DEFAULT.window();

  static final int DEFAULT_HISTORY = 100;
  static final int MAX_HISTORY = 10_000;

  /** A change: one method of {@link ReleaseControl} that answers the state it made. */
  @FunctionalInterface
  private interface Change {
    Snapshot apply(Identity who) throws StatusException;
  }

  /** A {@link ReleaseControl} method that acts on a route's ramp. */
  @FunctionalInterface
  private interface RampAction {
    Snapshot apply(Identity who, String model, long basedOnRevision, String reason)
        throws StatusException;
  }

  private final ReleaseControl control;

  GatewayAdminService(ReleaseControl control) {
    this.control = requireNonNull(control, "control");
  }

  @Override
  public void getRoutes(GetRoutesRequest request, StreamObserver<GetRoutesResponse> response) {
    Snapshot snapshot = control.snapshot();
    GetRoutesResponse.Builder answer =
        GetRoutesResponse.newBuilder().setRevision(snapshot.revision());
    for (Route<Rewrite> route : snapshot.routes().routes()) {
      answer.addRoutes(state(route, snapshot));
    }
    response.onNext(answer.build());
    response.onCompleted();
  }

  @Override
  public void setWeights(SetWeightsRequest request, StreamObserver<RouteChange> response) {
    change(
        request.getModel(),
        who ->
            control.setWeights(
                who,
                request.getModel(),
                request.getWeightsMap(),
                request.getBasedOnRevision(),
                request.getReason()),
        response);
  }

  @Override
  public void startRamp(StartRampRequest request, StreamObserver<RouteChange> response) {
    change(
        request.getModel(),
        who ->
            control.startRamp(
                who,
                request.getModel(),
                plan(request),
                request.getBasedOnRevision(),
                request.getReason()),
        response);
  }

  @Override
  public void pauseRamp(RampRequest request, StreamObserver<RouteChange> response) {
    rampChange(request, control::pauseRamp, response);
  }

  @Override
  public void resumeRamp(RampRequest request, StreamObserver<RouteChange> response) {
    rampChange(request, control::resumeRamp, response);
  }

  @Override
  public void abortRamp(RampRequest request, StreamObserver<RouteChange> response) {
    rampChange(request, control::abortRamp, response);
  }

  @Override
  public void promote(PromoteRequest request, StreamObserver<RouteChange> response) {
    change(
        request.getModel(),
        who ->
            control.promote(
                who,
                request.getModel(),
                request.getVariant(),
                request.getBasedOnRevision(),
                request.getReason()),
        response);
  }

  @Override
  public void rollback(RollbackRequest request, StreamObserver<RouteChange> response) {
    change(
        request.getModel(),
        who ->
            control.rollback(
                who,
                request.getModel(),
                request.getVariant(),
                request.getStable(),
                request.getBasedOnRevision(),
                request.getReason()),
        response);
  }

  @Override
  public void getHistory(GetHistoryRequest request, StreamObserver<GetHistoryResponse> response) {
    int limit = request.getLimit() == 0 ? DEFAULT_HISTORY : request.getLimit();
    if (limit < 0 || limit > MAX_HISTORY) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "limit: "
                      + Integer.toUnsignedString(request.getLimit())
                      + " (expected: 0.."
                      + MAX_HISTORY
                      + ")")
              .asException());
      return;
    }
    GetHistoryResponse.Builder answer = GetHistoryResponse.newBuilder();
    try {
      for (AuditRecord entry : control.history(request.getModel(), limit)) {
        answer.addEntries(entry(entry));
      }
    } catch (StatusException e) {
      response.onError(e);
      return;
    }
    response.onNext(answer.build());
    response.onCompleted();
  }

  @Override
  public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> response) {
    Identity who = AdminAuthInterceptor.IDENTITY.get();
    response.onNext(
        WhoAmIResponse.newBuilder()
            .setIdentity(who.name())
            .setRole(who.role().configName())
            .build());
    response.onCompleted();
  }

  /** Pause, resume or abort: the three ramp actions take the same request. */
  private void rampChange(
      RampRequest request, RampAction action, StreamObserver<RouteChange> response) {
    change(
        request.getModel(),
        who ->
            action.apply(
                who, request.getModel(), request.getBasedOnRevision(), request.getReason()),
        response);
  }

  private void change(String model, Change change, StreamObserver<RouteChange> response) {
    Snapshot snapshot;
    try {
      snapshot = change.apply(AdminAuthInterceptor.IDENTITY.get());
    } catch (StatusException e) {
      response.onError(e);
      return;
    }
    response.onNext(
        RouteChange.newBuilder()
            .setRevision(snapshot.revision())
            .setRoute(state(snapshot.routes().route(model), snapshot))
            .build());
    response.onCompleted();
  }

  /** The request's plan, with defaults; INVALID_ARGUMENT naming each bad field. */
  private RampPlan plan(StartRampRequest request) throws StatusException {
    Snapshot snapshot = control.snapshot();
    Route<Rewrite> route = snapshot.routes().route(request.getModel());
    String stable = request.getStable();
    if (stable.isEmpty() && route != null && route.variants().size() == 2) {
      stable =
          route.variant(0).name().equals(request.getCanary())
              ? route.variant(1).name()
              : route.variant(0).name();
    }
    try {
      return new RampPlan(
          request.getCanary(),
          stable,
          request.getStepsCount() == 0 ? RampPlan.DEFAULT_STEPS : request.getStepsList(),
          request.hasHold() ? duration(request.getHold()) : RampPlan.DEFAULT_HOLD,
          RequestedGates.from(request.getGates()));
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
    }
  }

  private RouteState state(Route<Rewrite> route, Snapshot snapshot) {
    Ramp ramp = snapshot.ramps().get(route.model());
    Duration window = ramp == null ? LIVE_WINDOW : ramp.plan().gates().window();
    RouteState.Builder state =
        RouteState.newBuilder()
            .setModel(route.model())
            .setWeightsFromApi(snapshot.apiModels().contains(route.model()));
    for (Variant variant : route.variants()) {
      VariantState.Builder v =
          VariantState.newBuilder().setName(variant.name()).setWeight(variant.weight());
      for (Endpoint endpoint : variant.endpoints()) {
        v.addEndpoints(endpoint.toString());
      }
      LiveVariant seen = control.live(route.model(), variant.name(), window);
      if (seen != null) {
        v.setLive(figures(seen.figures())).setBreaker(seen.breaker());
      }
      state.addVariants(v);
    }
    if (ramp != null) {
      state.setRamp(ramp(ramp));
    }
    return state.build();
  }

  private static LiveFigures figures(WindowFigures figures) {
    return LiveFigures.newBuilder()
        .setWindow(duration(figures.window()))
        .setCalls(figures.calls())
        .setCallsPerSecond(figures.callsPerSecond())
        .setBackendFailureRate(figures.backendFailureRate())
        .setCallerErrorRate(figures.callerErrorRate())
        .setP50Ms(figures.p50Nanos() / 1e6)
        .setP99Ms(figures.p99Nanos() / 1e6)
        .build();
  }

  private static RampState ramp(Ramp ramp) {
    RampPlan plan = ramp.plan();
    Gates gates = plan.gates();
    return RampState.newBuilder()
        .setCanary(plan.canary())
        .setStable(plan.stable())
        .addAllSteps(plan.steps())
        .setHold(duration(plan.hold()))
        .setGates(
            io.infergate.infer.proto.admin.v1.Gates.newBuilder()
                .setMaxFailureRateIncrease(gates.maxFailureRateIncrease())
                .setMaxP50Ratio(gates.maxP50Ratio())
                .setMaxP99Ratio(gates.maxP99Ratio())
                .setMinLatencyIncrease(duration(gates.minLatencyIncrease()))
                .setMinCalls(gates.minCalls())
                .setWindow(duration(gates.window()))
                .setBreachesToRollBack(gates.breachesToRollBack()))
        .setPhase(RampState.Phase.valueOf(ramp.phase().name()))
        .setStep(ramp.step())
        .setStepSince(timestamp(ramp.stepSince()))
        .setDetail(ramp.detail())
        .build();
  }

  private static AuditEntry entry(AuditRecord record) {
    return AuditEntry.newBuilder()
        .setTime(timestamp(Instant.parse(record.time())))
        .setIdentity(record.identity())
        .setAction(record.action())
        .setModel(record.model())
        .putAllBefore(record.before())
        .putAllAfter(record.after())
        .setReason(record.reason())
        .setRevision(record.revision())
        .putAllFigures(record.figures())
        .build();
  }
}
