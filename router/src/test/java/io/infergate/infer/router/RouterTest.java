package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RouterTest {

  @Test
  void aTableFindsRoutesByModelAndReturnsNullForOthers() {
    RoutingTable<Void> table = table("v1");

    assertThat(table.route("digits").variant(0).name()).isEqualTo("v1");
    assertThat(table.route("mnist").variant(0).name()).isEqualTo("v1");
    assertThat(table.route("absent")).isNull();
    assertThat(table.route(null)).isNull();
    assertThat(table.routes()).extracting(Route<Void>::model).containsExactly("digits", "mnist");
    assertThat(RoutingTable.<Void>empty().route("digits")).isNull();
  }

  @Test
  void swapReplacesTheTableThatLaterCallsSee() {
    RoutingTable<Void> first = table("v1");
    RoutingTable<Void> second = table("v2");
    Router<Void> router = new Router<>(first);
    Route<Void> held = router.route("digits");

    router.swap(second);

    assertThat(router.table()).isSameAs(second);
    assertThat(router.route("digits").variant(0).name()).isEqualTo("v2");
    assertThat(held.variant(0).name()).as("a call keeps the route it read").isEqualTo("v1");
  }

  @Test
  void aReaderSeesEitherTheOldOrTheNewTableNeverAMix() throws Exception {
    RoutingTable<Void> old = table("old");
    RoutingTable<Void> next = table("new");
    Router<Void> router = new Router<>(old);
    AtomicBoolean done = new AtomicBoolean();

    CompletableFuture<Integer> reader =
        CompletableFuture.supplyAsync(
            () -> {
              int mixed = 0;
              while (!done.get()) {
                RoutingTable<Void> seen = router.table();
                String digits = seen.route("digits").variant(0).name();
                String mnist = seen.route("mnist").variant(0).name();
                if ((seen != old && seen != next) || !digits.equals(mnist)) {
                  mixed++;
                }
              }
              return mixed;
            });
    for (int i = 0; i < 20_000; i++) {
      router.swap(i % 2 == 0 ? next : old);
    }
    done.set(true);

    assertThat(reader.get(10, TimeUnit.SECONDS)).isZero();
  }

  /** Two routes whose only variant is named {@code generation}, so a mix of tables is visible. */
  private static RoutingTable<Void> table(String generation) {
    return RoutingTable.of(
        List.of(
            Route.<Void>builder("digits").variant(variant(generation, 1)).build(),
            Route.<Void>builder("mnist").variant(variant(generation, 1)).build()));
  }
}
