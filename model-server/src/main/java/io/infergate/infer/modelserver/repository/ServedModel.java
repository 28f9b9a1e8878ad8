package io.infergate.infer.modelserver.repository;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A model as served at one moment: its available versions, its labels and the state of every
 * version directory the repository knows of. Immutable; the repository publishes a new one on each
 * change. The newest available version answers calls that name none, as in TF Serving and Triton.
 */
public final class ServedModel {
  private final String name;
  private final NavigableMap<Long, ServedVersion> versions;
  private final Map<String, Long> labels;
  private final List<VersionState> states;

  ServedModel(
      String name,
      NavigableMap<Long, ServedVersion> versions,
      Map<String, Long> labels,
      List<VersionState> states) {
    this.name = requireNonNull(name, "name");
    this.versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
    this.labels = Map.copyOf(labels);
    this.states = List.copyOf(states);
  }

  /** The model name, which is its directory name in the repository. */
  public String name() {
    return name;
  }

  /** Available versions, oldest first; empty while none could be loaded. */
  public NavigableMap<Long, ServedVersion> versions() {
    return versions;
  }

  /** The newest available version, or null when none is. */
  public ServedVersion latest() {
    Map.Entry<Long, ServedVersion> newest = versions.lastEntry();
    return newest == null ? null : newest.getValue();
  }

  /** An available version, or null. */
  public ServedVersion version(long number) {
    return versions.get(number);
  }

  /** The version number a label points at, or null for an unknown label. */
  public Long labelled(String label) {
    return labels.get(label);
  }

  /** Labels and the versions they point at, from {@code model.yaml}. */
  public Map<String, Long> labels() {
    return labels;
  }

  /** Every version directory's state, by version: available, loading, unloading or failed. */
  public List<VersionState> states() {
    return states;
  }
}
