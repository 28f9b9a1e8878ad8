package io.infergate.infer.digits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DigitsDatasetTest {

  private final DigitsDataset digits = DigitsDataset.load();

  @Test
  void loadsEveryRowOfTheUciDigits() {
    assertThat(digits.size()).isEqualTo(1797);
    assertThat(digits.flatPixels()).hasSize(1797 * DigitsDataset.PIXELS);
    assertThat(digits.labels()).hasSize(1797);
  }

  @Test
  void pixelsAreRawIntensitiesFromZeroToSixteen() {
    float[] pixels = digits.flatPixels();

    int[] outOfRange =
        IntStream.range(0, pixels.length)
            .filter(i -> pixels[i] < 0 || pixels[i] > 16 || pixels[i] != Math.rint(pixels[i]))
            .toArray();
    assertThat(outOfRange).isEmpty();
    // Raw, not scaled: the data set's maximum is there.
    assertThat(pixels).contains(16f);
  }

  @Test
  void labelsAreTheTenDigits() {
    assertThat(IntStream.of(digits.labels()).distinct().sorted().toArray())
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void rowAccessorsAgreeWithTheFlatBatch() {
    float[] flat = digits.flatPixels();

    for (int row : new int[] {0, 1, 1000, 1796}) {
      assertThat(digits.pixels(row))
          .hasSize(64)
          .containsExactly(Arrays.copyOfRange(flat, row * 64, row * 64 + 64));
      assertThat(digits.label(row)).isEqualTo(digits.labels()[row]);
    }
    // The first row of the vendored file is a 0.
    assertThat(digits.label(0)).isZero();
  }

  @Test
  void rejectsRowsOutOfRange() {
    assertThatThrownBy(() -> digits.pixels(1797)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> digits.label(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void callersCannotChangeTheData() {
    digits.flatPixels()[0] = 99;
    digits.pixels(0)[0] = 99;
    digits.labels()[0] = 99;

    assertThat(digits.pixels(0)[0]).isZero();
    assertThat(digits.label(0)).isZero();
  }

  @Test
  void splitHoldsOutOneFifthForValidation() {
    DigitsDataset.Split split = digits.split();

    assertThat(split.train().size()).isEqualTo(1438);
    assertThat(split.validation().size()).isEqualTo(359);
  }

  @Test
  void splitIsTheSameEveryTime() {
    DigitsDataset.Split first = digits.split();
    DigitsDataset.Split second = DigitsDataset.load().split();

    assertThat(second.train().flatPixels()).isEqualTo(first.train().flatPixels());
    assertThat(second.train().labels()).isEqualTo(first.train().labels());
    assertThat(second.validation().flatPixels()).isEqualTo(first.validation().flatPixels());
    assertThat(second.validation().labels()).isEqualTo(first.validation().labels());
  }

  @Test
  void splitUsesEveryRowExactlyOnce() {
    DigitsDataset.Split split = digits.split();

    // The data has a few identical images, so compare multisets of rows, not sets: train plus
    // validation must be the full data set, each row exactly as often as it occurs there.
    List<String> together = rows(split.train());
    together.addAll(rows(split.validation()));
    assertThat(together).containsExactlyInAnyOrderElementsOf(rows(digits));
  }

  @Test
  void splitIsShuffledNotTheFileOrder() {
    DigitsDataset validation = digits.split().validation();

    // The file's last fifth would be rows 1438..1796; the shuffle spreads the held-out rows.
    List<String> tail = rows(digits).subList(1438, 1797);
    assertThat(rows(validation)).isNotEqualTo(tail);
    assertThat(IntStream.of(validation.labels()).distinct().count()).isEqualTo(10);
  }

  private static List<String> rows(DigitsDataset dataset) {
    List<String> rows = new ArrayList<>(dataset.size());
    for (int row = 0; row < dataset.size(); row++) {
      rows.add(Arrays.toString(dataset.pixels(row)) + " -> " + dataset.label(row));
    }
    return rows;
  }
}
