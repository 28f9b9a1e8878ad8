/**
 * The gRPC services: decode OIP and TF Serving messages into the model server's calls ({@code
 * inference.InferenceCall}), checking them against the model signature with Triton's and TF
 * Serving's wording, encode the answers, and map every failure to one status ({@code Statuses}).
 */
package io.infergate.infer.modelserver.grpc;
