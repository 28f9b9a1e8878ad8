/**
 * The demo model: trains the {@code digits} classifier on the vendored UCI handwritten digits and
 * exports it, in two versions, as TensorFlow SavedModels the model server can serve.
 *
 * <p>Starting points: {@link io.infergate.infer.digits.DigitsDataset} (the data, and the held-out
 * split that tests and clients send to the served model) and {@link
 * io.infergate.infer.digits.DigitsTrainer} (training, export and its command line).
 */
package io.infergate.infer.digits;
