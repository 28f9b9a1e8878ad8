package io.infergate.infer.modelserver.repository;

/**
 * What the repository reports about one version directory, in TF Serving's terms ({@code
 * ModelVersionStatus.State}).
 *
 * @param version the version number
 * @param state where it is in its life
 * @param error why it failed to load (state {@link State#END}); empty otherwise
 */
public record VersionState(long version, State state, String error) {

  public enum State {
    /** Loading or warming up; not served yet. */
    LOADING,
    /** Served. */
    AVAILABLE,
    /** No longer served; calls in flight are finishing before it is closed. */
    UNLOADING,
    /** Failed to load (see the error); the versions served before it stay served. */
    END
  }

  public VersionState {
    error = error == null ? "" : error;
  }
}
