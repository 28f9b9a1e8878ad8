package io.infergate.infer.digits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infergate.infer.observability.baseline.Baseline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainingBaselineTest {
  @TempDir Path temp;

  @Test
  void binsSplitMinToMaxInTenWithEmptyOutsideBinsAndCountEveryRow() {
    float[] values = new float[101];
    for (int i = 0; i <= 100; i++) {
      values[i] = i;
    }
    Baseline.Feature feature = TrainingBaseline.of("x", List.of("a"), values).features().get(0);

    assertThat(feature.min()).isZero();
    assertThat(feature.max()).isEqualTo(100);
    assertThat(feature.binEdges()).hasSize(TrainingBaseline.BINS + 1);
    assertThat(feature.binEdges()[0]).isZero();
    assertThat(feature.binEdges()[TrainingBaseline.BINS]).isEqualTo(Math.nextUp(100.0));
    assertThat(feature.binCounts()).hasSize(TrainingBaseline.BINS + 2);
    assertThat(feature.binCounts()[0]).isZero();
    assertThat(feature.binCounts()[TrainingBaseline.BINS + 1]).isZero();
    assertThat(feature.binCounts()).containsExactly(0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 0);
    assertThat(feature.quantiles()).containsEntry("p50", 50.0).containsEntry("p99", 99.0);
  }

  @Test
  void aConstantFeatureHasOneInnerBin() {
    Baseline.Feature feature =
        TrainingBaseline.of("x", List.of("a"), new float[] {3, 3, 3}).features().get(0);

    assertThat(feature.binEdges()).containsExactly(3.0, Math.nextUp(3.0));
    assertThat(feature.binCounts()).containsExactly(0, 3, 0);
  }

  @Test
  void theDigitsBaselineHasSixtyFourPixelsAndTheHeldOutPredictions(@TempDir Path repository)
      throws Exception {
    DigitsTrainer.ensureExported(repository);
    JsonNode file =
        new ObjectMapper().readTree(repository.resolve("digits/2").resolve(Baseline.PATH).toFile());

    assertThat(file.get("format").asText()).isEqualTo(Baseline.FORMAT);
    assertThat(file.get("input").asText()).isEqualTo("pixels");
    assertThat(file.get("rows").asLong()).isEqualTo(DigitsDataset.load().split().train().size());
    assertThat(file.get("features")).hasSize(DigitsDataset.PIXELS);
    assertThat(file.get("features").get(20).get("max").asDouble()).isEqualTo(16.0);
    JsonNode predictions = file.get("predictions");
    assertThat(predictions.get("output").asText()).isEqualTo("classes");
    assertThat(predictions.get("classCounts")).hasSize(DigitsDataset.CLASSES);
    long sum = 0;
    for (JsonNode count : predictions.get("classCounts")) {
      sum += count.asLong();
    }
    assertThat(sum).isEqualTo(DigitsDataset.load().split().validation().size());
  }

  @Test
  void theCommandReadsAHeaderedCsvAndPredictions() throws Exception {
    Path csv = temp.resolve("train.csv");
    Files.writeString(csv, "age,income\n30,1000\n40,2000\n50,3000\n");
    Path predicted = temp.resolve("predicted.txt");
    Files.writeString(predicted, "0\n1\n1\n2\n");
    Path version = temp.resolve("model/1");
    StringWriter out = new StringWriter();

    int exit =
        new CommandLine(new BaselineCommand())
            .setOut(new PrintWriter(out))
            .execute(
                "--csv", csv.toString(),
                "--input", "features",
                "--version-dir", version.toString(),
                "--predictions", predicted.toString());

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("3 rows, 2 features, predicted classes of 4 held-out rows");
    JsonNode file = new ObjectMapper().readTree(version.resolve(Baseline.PATH).toFile());
    assertThat(file.get("features").get(1).get("name").asText()).isEqualTo("income");
    assertThat(file.get("features").get(1).get("max").asDouble()).isEqualTo(3000.0);
    assertThat(file.get("predictions").get("classCounts").toString()).isEqualTo("[1,2,1]");
  }

  @Test
  void theCommandNamesTheLineOfABadRow() throws Exception {
    Path csv = temp.resolve("train.csv");
    Files.writeString(csv, "1,2\n3\n");
    StringWriter err = new StringWriter();

    int exit =
        new CommandLine(new BaselineCommand())
            .setErr(new PrintWriter(err))
            .execute("--csv", csv.toString(), "--input", "x", "--version-dir", temp.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("train.csv line 2: 1 fields (expected: 2)");
  }
}
