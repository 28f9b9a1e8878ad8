package io.infergate.infer.modelserver.backend;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * One input or output of a model signature: its alias, element type and shape, where {@code -1}
 * marks a dimension of any size (normally the batch).
 *
 * @param name the signature alias clients use ({@code pixels}), not the graph tensor name
 * @param type element type
 * @param shape dimensions, {@code -1} for any size
 */
public record TensorSpec(String name, ElementType type, long[] shape) {

  public TensorSpec {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Whether a concrete shape fits this spec: same rank, and every fixed dimension equal. */
  public boolean accepts(long[] concrete) {
    if (concrete.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (concrete[i] < 0 || (shape[i] >= 0 && shape[i] != concrete[i])) {
        return false;
      }
    }
    return true;
  }

  /** The index of the spec called {@code name} in {@code specs}, or -1. */
  public static int indexOf(List<TensorSpec> specs, String name) {
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name.equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code 0, 1, ..., specs.size() - 1}: every output, when a call names none. */
  public static int[] all(List<TensorSpec> specs) {
    int[] all = new int[specs.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return all;
  }

  /** The names, as {@code [classes, probs]}. */
  public static String names(List<TensorSpec> specs) {
    StringBuilder names = new StringBuilder("[");
    for (int i = 0; i < specs.size(); i++) {
      names.append(i > 0 ? ", " : "").append(specs.get(i).name);
    }
    return names.append(']').toString();
  }

  /** The shape as {@code [-1,64]}, the form error messages use. */
  public String shapeText() {
    return Shapes.text(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec other
        && name.equals(other.name)
        && type == other.type
        && Arrays.equals(shape, other.shape);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + type.hashCode()) + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ":" + type + shapeText();
  }
}
