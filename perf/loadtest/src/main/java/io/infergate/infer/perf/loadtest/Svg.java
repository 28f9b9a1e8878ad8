package io.infergate.infer.perf.loadtest;

import java.util.List;
import java.util.Locale;

/**
 * Small inline-SVG charts for the HTML report: bars and lines with axes, ticks and a legend, each
 * point with a {@code <title>} tooltip. No script and nothing fetched, so the page works offline.
 */
final class Svg {
  static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  private static final int W = 760;
  private static final int H = 280;
  private static final int L = 70;
  private static final int R = 20;
  private static final int T = 44;
  private static final int B = 50;

  private Svg() {}

  /** One named series of y values (x given by the chart). */
  record Series(String name, double[] y) {}

  /** Vertical bars, one per label; {@code yUnit} formats the axis. */
  static String bars(String id, String title, String[] labels, List<Series> series, String yAxis) {
    double max = 0;
    for (Series s : series) {
      for (double v : s.y()) {
        max = Math.max(max, v);
      }
    }
    max = nice(max);
    StringBuilder b = open(id, title);
    axes(b, max, yAxis);
    int n = labels.length;
    double slot = (W - L - R) / (double) Math.max(1, n);
    double bw = slot * 0.8 / series.size();
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < series.size(); s++) {
        double v = series.get(s).y()[i];
        double h = max == 0 ? 0 : (H - T - B) * v / max;
        double x = L + i * slot + slot * 0.1 + s * bw;
        b.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>",
                x,
                H - B - h,
                Math.max(1, bw - 1),
                h,
                COLORS[s % COLORS.length],
                esc(series.get(s).name()),
                esc(labels[i]),
                num(v)));
      }
      if (n <= 24 || i % Math.max(1, n / 12) == 0) {
        b.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-35 %.1f %d)\">%s</text>",
                L + i * slot + slot / 2,
                H - B + 14,
                L + i * slot + slot / 2,
                H - B + 14,
                esc(labels[i])));
      }
    }
    legend(b, series);
    return b.append("</svg>").toString();
  }

  /** Lines over x (seconds or any numeric x). */
  static String lines(
      String id, String title, double[] x, List<Series> series, String xAxis, String yAxis) {
    double max = 0;
    for (Series s : series) {
      for (double v : s.y()) {
        if (!Double.isNaN(v)) {
          max = Math.max(max, v);
        }
      }
    }
    max = nice(max);
    double xmax = x.length == 0 ? 1 : Math.max(1e-9, x[x.length - 1]);
    StringBuilder b = open(id, title);
    axes(b, max, yAxis);
    for (int k = 0; k <= 5; k++) {
      double xv = xmax * k / 5;
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
              L + (W - L - R) * xv / xmax,
              H - B + 14,
              num(xv)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
            L + (W - L - R) / 2,
            H - 12,
            esc(xAxis)));
    for (int s = 0; s < series.size(); s++) {
      double[] y = series.get(s).y();
      StringBuilder pts = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      for (int i = 0; i < x.length && i < y.length; i++) {
        if (Double.isNaN(y[i])) {
          continue;
        }
        double px = L + (W - L - R) * x[i] / xmax;
        double py = H - B - (max == 0 ? 0 : (H - T - B) * y[i] / max);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
        dots.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s at %s: %s</title></circle>",
                px,
                py,
                COLORS[s % COLORS.length],
                esc(series.get(s).name()),
                num(x[i]),
                num(y[i])));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<polyline class=\"line\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>",
              COLORS[s % COLORS.length],
              pts.toString().trim()));
      b.append(dots);
    }
    legend(b, series);
    return b.append("</svg>").toString();
  }

  private static StringBuilder open(String id, String title) {
    StringBuilder b = new StringBuilder(4096);
    b.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">",
            id,
            W,
            H,
            W,
            H,
            esc(title)));
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
            L,
            esc(title)));
    return b;
  }

  private static void axes(StringBuilder b, double max, String yAxis) {
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
            L,
            T,
            L,
            H - B));
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
            L,
            H - B,
            W - R,
            H - B));
    for (int k = 0; k <= 4; k++) {
      double v = max * k / 4;
      double y = H - B - (H - T - B) * k / 4.0;
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
              L,
              y,
              W - R,
              y,
              L - 4,
              y + 3,
              num(v)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>",
            (H - B + T) / 2,
            (H - B + T) / 2,
            esc(yAxis)));
  }

  private static void legend(StringBuilder b, List<Series> series) {
    int x = L;
    for (int s = 0; s < series.size(); s++) {
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"24\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"33\" font-size=\"11\">%s</text>",
              x + 130 * s,
              COLORS[s % COLORS.length],
              x + 130 * s + 14,
              esc(series.get(s).name())));
    }
  }

  private static double nice(double max) {
    if (max <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(max)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= max) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(
        Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
