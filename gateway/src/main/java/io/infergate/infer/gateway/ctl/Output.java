package io.infergate.infer.gateway.ctl;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code -o table} (for people, the default) or {@code -o json} (the answer's proto, for scripts).
 */
final class Output {
  /** The two formats. */
  enum Format {
    TABLE,
    JSON
  }

  // Fields left at their defaults are printed too: a weight of 0 is a fact a script reads.
  private static final JsonFormat.Printer JSON = JsonFormat.printer().includingDefaultValueFields();

  @Option(
      scope = ScopeType.INHERIT,
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table or json (the answer as proto3 JSON) (default: ${DEFAULT-VALUE})")
  Format format;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** Prints {@code answer} as JSON, or as {@code table} renders it. */
  <M extends MessageOrBuilder> void print(M answer, Function<M, String> table) {
    PrintWriter out = command.commandLine().getOut();
    if (format == Format.JSON) {
      out.println(json(answer));
    } else {
      out.print(table.apply(answer));
    }
    out.flush();
  }

  static String json(MessageOrBuilder message) {
    try {
      return JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields of unknown types fail to print, and the admin API has none.
      throw new UncheckedIOException(e);
    }
  }
}
