package io.infergate.infer.gateway;

import static io.infergate.infer.gateway.testing.GatewayClient.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Pending;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.GatewayClient.Timed;
import io.infergate.infer.gateway.testing.Routes;
import io.infergate.infer.gateway.testing.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which variant answers when the one a call was meant for cannot, in one process: a half-open
 * breaker's trial call on a variant still stalled, every breaker open (panic), a deadline shorter
 * than a variant's median latency, and a trial call its caller cancels. Each asserts what the
 * caller sees ({@code x-variant}, {@code x-fallback}, the status) and which backends were reached.
 */
class InProcessFallbackTest extends OneGatewayTest {
  private static final Metadata.Key<String> X_FALLBACK = GatewayClient.header("x-fallback");

  /** Paces loops that wait for a breaker to change state: about a hundred calls a second. */
  private static final Duration PACE = Duration.ofMillis(10);

  private static final String STALL = "stall";
  private static final String OVERRIDE = "x-variant-override";

  InProcessFallbackTest() {
    super(Transport.inProcess());
  }

  @Test
  void aHalfOpenTrialOnAStillStalledCanaryGetsHalfTheTimeLeftAndStableAnswersBeforeTheDeadline() {
    FakeBackend canary =
        startStableAndCanary(
            STALL,
            "breaker: {window: 10s, minimumCalls: 3, failureRate: 50, openFor: 300ms, halfOpenCalls: 1, maxHalfOpen: 1m}");
    // Short deadlines until the canary's breaker has opened on them.
    await()
        .atMost(PATIENCE)
        .pollInterval(PACE)
        .until(
            () ->
                "circuit_open;from=canary"
                    .equals(inferWithin("digits", Map.of(), 200).header("x-fallback")));
    int reachedCanary = canary.calls();

    // From now on each call has 1 s. The breaker goes half-open every 300 ms and lets one trial
    // through, which stalls: given the whole second the trial's caller would fail.
    List<Timed> replies = new CopyOnWriteArrayList<>();
    await()
        .atMost(PATIENCE)
        .pollInterval(PACE)
        .until(
            () -> {
              long start = System.nanoTime();
              Reply reply = inferWithin("digits", Map.of(), 1000);
              replies.add(new Timed(reply, Duration.ofNanos(System.nanoTime() - start)));
              // A failed caller ends the loop too, for the assertions below to show.
              return trials(replies).size() >= 2 || !reply.isOk();
            });

    assertThat(replies)
        .allSatisfy(
            timed -> {
              assertThat(timed.reply().isOk()).as("%s", timed.reply().status()).isTrue();
              assertThat(timed.reply().variant()).isEqualTo("stable");
            });
    assertThat(replies.stream().map(timed -> timed.reply().header("x-fallback")))
        .filteredOn(Objects::nonNull)
        .containsOnly("circuit_open;from=canary", "trial_failed;from=canary");
    List<Timed> trials = trials(replies);
    assertThat(canary.calls() - reachedCanary)
        .as("every call that reached the canary was a trial")
        .isEqualTo(trials.size());
    // Each waited out its half of the second on the canary before stable answered.
    assertThat(trials)
        .allSatisfy(
            trial ->
                assertThat(trial.took())
                    .isBetween(Duration.ofMillis(450), Duration.ofMillis(1000)));
  }

  @Test
  void withEveryBreakerOpenCallsGoPastThemFailNoHealthyBackendAndAreServedOnceBackendsRecover() {
    FakeBackend a = bed.backend("a", STALL);
    FakeBackend b = bed.backend("b", STALL);
    start(
        Routes.either(
            "pair",
            a,
            b,
            "breaker: {window: 10s, minimumCalls: 3, failureRate: 50, openFor: 1m}",
            "outlier: {consecutiveFailures: 1000}"));
    // Calls that stall to their deadline open both breakers.
    await()
        .atMost(PATIENCE)
        .pollInterval(PACE)
        .until(
            () -> {
              inferWithin("pair", Map.of(), 100);
              return bothBreakersOpen();
            });

    a.behaveByDefault("fail:UNAVAILABLE:model not loaded");
    b.behaveByDefault("fail:UNAVAILABLE:model not loaded");
    int reached = a.calls() + b.calls();
    List<Reply> down = client.infer(20, "pair", Map.of());

    assertThat(down)
        .allSatisfy(
            reply -> {
              assertThat(reply.code()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(reply.status().getDescription())
                  .startsWith("no healthy backend for model 'pair' (");
            });
    assertThat(a.calls() + b.calls() - reached)
        .as("each call was sent past the open breakers")
        .isGreaterThanOrEqualTo(down.size());

    a.behaveByDefault(null);
    b.behaveByDefault(null);
    List<Reply> recovered = client.infer(50, "pair", Map.of());

    // Both breakers are still open (for a minute): each answer says it was sent past them.
    assertThat(recovered)
        .allSatisfy(
            reply -> {
              assertThat(reply.isOk()).as("%s", reply.status()).isTrue();
              assertThat(reply.header("x-fallback"))
                  .isEqualTo("circuit_open;from=" + reply.variant());
            });
    assertThat(recovered).extracting(Reply::variant).containsOnly("a", "b");
  }

  @Test
  void aDeadlineShorterThanTheMedianLatencyIsNotSentOrGoesToAFasterVariant() {
    FakeBackend slow = bed.backend("slow", "delay:200");
    FakeBackend fast = bed.backend("fast");
    start(Routes.sole("solo", slow) + Routes.either("pair", slow, fast));
    Map<String, String> onSlow = Map.of(OVERRIDE, "slow");
    // Each route's slow variant learns its median latency: 200 ms and a little more.
    for (int i = 0; i < 3; i++) {
      assertThat(client.infer("solo", Map.of()).isOk()).isTrue();
      assertThat(client.infer("pair", onSlow).variant()).isEqualTo("slow");
    }
    int reached = slow.calls();

    Reply notSent = inferWithin("solo", Map.of(), 100);
    Reply elsewhere = inferWithin("pair", onSlow, 100);

    assertThat(notSent.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(notSent.status().getDescription())
        .startsWith("model 'solo': ")
        .endsWith(
            " ms left is less than the median latency of every variant (slow deadline); not sent");
    assertAnswered(elsewhere, "fast", "deadline;from=slow");
    assertThat(slow.calls()).as("neither reached the slow variant").isEqualTo(reached);
  }

  @Test
  void aHalfOpenTrialCancelledByItsCallerGivesBackItsPermissionSoTheNextTrialClosesTheBreaker()
      throws Exception {
    FakeBackend canary =
        startStableAndCanary(
            STALL,
            "breaker: {window: 10s, minimumCalls: 2, failureRate: 50, openFor: 200ms, halfOpenCalls: 1, maxHalfOpen: 1m}");
    for (int i = 0; i < 2; i++) {
      Reply failed =
          client.infer("digits", withHeader(ON_CANARY, "x-fake", "fail:INTERNAL:broken"));
      assertThat(failed.code()).isEqualTo(Status.Code.INTERNAL);
      assertThat(failed.variant()).isEqualTo("canary");
    }
    // Open: calls for the canary are answered by stable, until one reaches the canary as the
    // half-open breaker's only trial, and stalls there.
    Pending trial =
        await()
            .atMost(PATIENCE)
            .pollInterval(PACE)
            .until(() -> trialOn(canary, ON_CANARY), Objects::nonNull);
    Reply meanwhile = client.infer("digits", ON_CANARY);
    assertThat(meanwhile.isOk()).as("%s", meanwhile.status()).isTrue();
    assertThat(meanwhile.variant()).isEqualTo("stable");
    assertThat(meanwhile.header("x-fallback"))
        .as("the trial holds the breaker's one permission")
        .isEqualTo("circuit_open;from=canary");

    trial.cancel();
    assertThat(trial.recorder().await().code()).isEqualTo(Status.Code.CANCELLED);
    assertThat(canary.cancellations().poll(5, TimeUnit.SECONDS)).isNotNull();
    awaitIdle("digits");
    canary.behaveByDefault(null);

    // Had the cancelled trial kept its permission, the breaker would stay half-open with none
    // left for maxHalfOpen (a minute), and these would all fall back to stable.
    List<Reply> after = client.infer(10, "digits", ON_CANARY);
    assertThat(after).allSatisfy(reply -> assertAnswered(reply, "canary", null));
  }

  @Test
  void aHalfOpenTrialThatFailsOpensTheBreakerAgainAndOneThatSucceedsClosesIt() {
    FakeBackend canary =
        startStableAndCanary(
            "fail:INTERNAL:broken",
            "breaker: {window: 10s, minimumCalls: 2, failureRate: 50, openFor: 2s, halfOpenCalls: 1, maxHalfOpen: 1m}",
            "outlier: {consecutiveFailures: 1000}");
    for (int i = 0; i < 2; i++) {
      assertThat(client.infer("digits", ON_CANARY).code()).isEqualTo(Status.Code.INTERNAL);
    }
    assertThat(breaker("digits", "canary")).isEqualTo("OPEN");

    // Once open for two seconds, the breaker lets one trial through, which fails again.
    int beforeTrial = canary.calls();
    await()
        .atMost(PATIENCE)
        .pollInterval(PACE)
        .until(
            () -> {
              client.infer("digits", ON_CANARY);
              return canary.calls() > beforeTrial;
            });

    assertThat(canary.calls()).as("one trial").isEqualTo(beforeTrial + 1);
    assertThat(breaker("digits", "canary"))
        .as("open again, not closed nor still half-open")
        .isEqualTo("OPEN");
    for (int i = 0; i < 10; i++) {
      assertAnswered(client.infer("digits", ON_CANARY), "stable", "circuit_open;from=canary");
    }
    assertThat(canary.calls())
        .as("nothing reached the canary while open")
        .isEqualTo(beforeTrial + 1);

    // Healthy again: the next trial closes the breaker and the canary serves its callers.
    canary.behaveByDefault(null);
    await()
        .atMost(PATIENCE)
        .pollInterval(PACE)
        .until(() -> "canary".equals(client.infer("digits", ON_CANARY).variant()));
    assertThat(breaker("digits", "canary")).isEqualTo("CLOSED");
    Reply served = client.infer("digits", ON_CANARY);
    assertThat(served.variant()).isEqualTo("canary");
    assertThat(served.header("x-fallback")).isNull();
  }

  @Test
  void aRetryAfterThePrimaryTookMostOfTheDeadlineGetsOnlyTheTimeLeft() throws Exception {
    FakeBackend primary = bed.backend("primary", "fail:UNAVAILABLE:busy");
    FakeBackend other = bed.backend("other");
    start(Routes.either("digits", primary, other, "deadline: {default: 30s, max: 1m}"));

    // The primary turns the call away unprocessed and asks for 700 ms of the caller's 1 s before
    // a retry: the other variant must be sent the rest of the second, not the route's 30 s.
    long start = System.nanoTime();
    Reply reply =
        inferWithin("digits", Map.of(OVERRIDE, "primary", "x-fake-pushback", "700"), 1000);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertAnswered(reply, "other", "unavailable;from=primary");
    // OK, so answered before the caller's deadline (its client would have ended it otherwise),
    // after the pushback the primary asked for.
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    assertThat(primary.received().poll(5, TimeUnit.SECONDS).deadlineMillis())
        .isBetween(500L, 1000L);
    assertThat(other.received().poll(5, TimeUnit.SECONDS).deadlineMillis()).isBetween(1L, 300L);
  }

  /**
   * Probes, without counting for or against either breaker, whether both are open: a call for
   * {@code a} that its backend turns away as overloaded (neither a success nor a failure) is
   * answered by {@code a} past its open breaker only when {@code b}'s is open too; a route that did
   * not route past open breakers would refuse it naming both.
   */
  private boolean bothBreakersOpen() {
    Reply probe =
        client.infer("pair", Map.of(OVERRIDE, "a", "x-fake", "fail:RESOURCE_EXHAUSTED:probe"));
    boolean pastThem =
        "a".equals(probe.variant())
            && "circuit_open;from=a".equals(probe.trailers().get(X_FALLBACK));
    return pastThem
        || "no healthy backend for model 'pair' (a circuit_open, b circuit_open)"
            .equals(probe.status().getDescription());
  }

  /**
   * Starts a call for {@code canary} and returns it if it reached the canary; null if another
   * variant answered it.
   */
  private Pending trialOn(FakeBackend canary, Map<String, String> headers) {
    int before = canary.calls();
    Pending call =
        client.open(
            "digits", headers, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), true);
    await()
        .atMost(PATIENCE)
        .until(() -> call.recorder().done().isDone() || canary.calls() > before);
    return canary.calls() > before ? call : null;
  }

  private static List<Timed> trials(List<Timed> replies) {
    return replies.stream()
        .filter(timed -> "trial_failed;from=canary".equals(timed.reply().header("x-fallback")))
        .toList();
  }
}
