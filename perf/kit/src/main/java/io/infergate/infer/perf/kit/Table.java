package io.infergate.infer.perf.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Markdown table, built row by row. */
public final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... header) {
    this.header = List.of(header);
  }

  /** Adds a row of as many cells as the header has. */
  public Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(cells.length + " cells (expected: " + header.size() + ")");
    }
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(String.valueOf(cell));
    }
    rows.add(row);
    return this;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    line(out, header);
    List<String> rule = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      rule.add(i == 0 ? "---" : "--:");
    }
    line(out, rule);
    for (List<String> row : rows) {
      line(out, row);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells) {
    out.append('|');
    for (String cell : cells) {
      out.append(' ').append(cell).append(" |");
    }
    out.append('\n');
  }

  /** {@code value} with {@code decimals} places, in the root locale. */
  public static String fixed(double value, int decimals) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** A whole number with thousands separators. */
  public static String whole(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,d", Math.round(value));
  }
}
