/**
 * The one inference call path, whatever protocol a call came in on: resolve and acquire the model
 * version, batch the call or hand it to a worker, run it, answer it and release the version exactly
 * once. Nothing here knows gRPC; the protocol services subclass {@link
 * io.infergate.infer.modelserver.inference.InferenceCall} to decode and encode.
 *
 * <p>Starting points: {@link io.infergate.infer.modelserver.inference.InferenceCall} (the path) and
 * {@link io.infergate.infer.modelserver.inference.InferencePath} (where services submit calls).
 */
package io.infergate.infer.modelserver.inference;
