package io.infergate.infer.gateway.ctl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain-text columns, each as wide as its widest cell, two spaces apart, with no colours and no
 * trailing spaces, so that {@code grep}, {@code awk} and a terminal all read them.
 */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... header) {
    this.columns = header.length;
    rows.add(header.clone());
  }

  /**
   * Adds a row of {@code cells}, as many as the header's.
   *
   * @throws IllegalArgumentException when the count differs
   */
  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "cells: " + Arrays.toString(cells) + " (expected: " + columns + " of them)");
    }
    rows.add(cells.clone());
    return this;
  }

  /** The header and rows, one line each, every line ending in a newline. */
  String render() {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
