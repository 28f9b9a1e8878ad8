package io.infergate.infer.modelserver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.modelserver.config.TensorFlowConfig;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

class SessionConfigTest {
  @Test
  void defaultsRunOpsInTheCallingThreadAndGrowGpuMemory() {
    ConfigProto config = TensorFlowModel.sessionConfig(TensorFlowConfig.DEFAULT);

    assertThat(config.getInterOpParallelismThreads()).isEqualTo(-1);
    assertThat(config.getIntraOpParallelismThreads()).isEqualTo(1);
    assertThat(config.getGpuOptions().getAllowGrowth()).isTrue();
    assertThat(config.getGpuOptions().getPerProcessGpuMemoryFraction()).isZero();
    assertThat(config.getGpuOptions().getVisibleDeviceList()).isEmpty();
  }

  @Test
  void gpuOptionsReachTensorFlowsConfigProto() {
    ConfigProto config =
        TensorFlowModel.sessionConfig(new TensorFlowConfig(0, 8, false, 0.25, "1"));

    assertThat(config.getInterOpParallelismThreads()).isZero();
    assertThat(config.getIntraOpParallelismThreads()).isEqualTo(8);
    assertThat(config.getGpuOptions().getAllowGrowth()).isFalse();
    assertThat(config.getGpuOptions().getPerProcessGpuMemoryFraction()).isEqualTo(0.25);
    assertThat(config.getGpuOptions().getVisibleDeviceList()).isEqualTo("1");
  }
}
