package io.infergate.infer.modelserver.repository;

import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which of a model's version directories are served, as in TF Serving's {@code
 * model_version_policy}: the newest N, specific numbers, or all of them.
 */
public sealed interface VersionPolicy {

  /** TF Serving's and Triton's default: the newest version only. */
  VersionPolicy DEFAULT = new Latest(1);

  /** The versions to serve out of those that could be loaded, oldest first. */
  NavigableSet<Long> select(NavigableSet<Long> candidates);

  /** The {@code count} highest-numbered versions. */
  record Latest(int count) implements VersionPolicy {
    public Latest {
      if (count < 1) {
        throw new IllegalArgumentException("latest: " + count + " (expected: an integer >= 1)");
      }
    }

    @Override
    public NavigableSet<Long> select(NavigableSet<Long> candidates) {
      NavigableSet<Long> chosen = new TreeSet<>();
      for (Long version : candidates.descendingSet()) {
        if (chosen.size() == count) {
          break;
        }
        chosen.add(version);
      }
      return chosen;
    }

    @Override
    public String toString() {
      return "latest " + count;
    }
  }

  /** Exactly these versions, where they exist. */
  record Specific(SortedSet<Long> versions) implements VersionPolicy {
    public Specific {
      if (versions.isEmpty() || versions.first() < 1) {
        throw new IllegalArgumentException(
            "specific: " + versions + " (expected: one or more versions >= 1)");
      }
      versions = Collections.unmodifiableSortedSet(new TreeSet<>(versions));
    }

    public Specific(List<Long> versions) {
      this(new TreeSet<>(versions));
    }

    @Override
    public NavigableSet<Long> select(NavigableSet<Long> candidates) {
      NavigableSet<Long> chosen = new TreeSet<>(candidates);
      chosen.retainAll(versions);
      return chosen;
    }

    @Override
    public String toString() {
      return "specific " + versions;
    }
  }

  /** Every version directory. */
  record All() implements VersionPolicy {
    @Override
    public NavigableSet<Long> select(NavigableSet<Long> candidates) {
      return new TreeSet<>(candidates);
    }

    @Override
    public String toString() {
      return "all";
    }
  }
}
