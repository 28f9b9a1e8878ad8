package io.infergate.infer.perf.soak;

import java.util.List;

/**
 * The slope of the least-squares line through points: how fast a sampled figure grows, with the
 * sawtooth of GC and allocator noise averaged out rather than read off two end points.
 */
final class LeastSquares {
  private LeastSquares() {}

  /**
   * The slope {@code Σ(x-x̄)(y-ȳ) / Σ(x-x̄)²} of {@code y} against {@code x}.
   *
   * @return NaN for fewer than two points or when every x is the same
   */
  static double slope(List<Point> points) {
    if (points.size() < 2) {
      return Double.NaN;
    }
    double meanX = 0;
    double meanY = 0;
    for (Point point : points) {
      meanX += point.x();
      meanY += point.y();
    }
    meanX /= points.size();
    meanY /= points.size();
    double covariance = 0;
    double variance = 0;
    for (Point point : points) {
      double dx = point.x() - meanX;
      covariance += dx * (point.y() - meanY);
      variance += dx * dx;
    }
    return variance == 0 ? Double.NaN : covariance / variance;
  }

  /** One observation: {@code y} measured at {@code x}. */
  record Point(double x, double y) {}
}
