package io.infergate.infer.perf.loadtest;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Go's text/template that ghz call data uses: {@code {{.WorkerID}}}, {@code
 * {{.RequestNumber}}}, … and the functions {@code newUUID}, {@code randomString N}, {@code
 * randomInt MIN MAX}. Parsed once; rendered per call.
 */
final class CallTemplate {
  static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
  private static final Pattern ACTION =
      Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?\\}\\}", Pattern.DOTALL);
  private static final String CHARSET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final List<String> VARIABLES =
      List.of(
          "WorkerID",
          "RequestNumber",
          "FullyQualifiedName",
          "MethodName",
          "ServiceName",
          "InputName",
          "OutputName",
          "IsClientStreaming",
          "IsServerStreaming",
          "Timestamp",
          "TimestampUnix",
          "TimestampUnixMilli",
          "TimestampUnixNano",
          "UUID");

  private final List<String> literals = new ArrayList<>();
  private final List<String[]> actions = new ArrayList<>();

  private CallTemplate(String text, boolean functions, boolean data) {
    Matcher m = ACTION.matcher(text);
    int at = 0;
    while (m.find()) {
      literals.add(text.substring(at, m.start()));
      String[] words = m.group(1).trim().split("\\s+");
      validate(words, functions, data);
      actions.add(words);
      at = m.end();
    }
    literals.add(text.substring(at));
  }

  /** A template for {@code text}, or null when it has no actions (then the text is used as is). */
  static CallTemplate parse(String text, boolean functions, boolean data) {
    if (text == null || !text.contains("{{") || (!functions && !data)) {
      return null;
    }
    CallTemplate t = new CallTemplate(text, functions, data);
    return t.actions.isEmpty() ? null : t;
  }

  private static void validate(String[] words, boolean functions, boolean data) {
    String head = words[0];
    if (head.startsWith(".")) {
      if (!data || words.length != 1 || !VARIABLES.contains(head.substring(1))) {
        throw new UsageException(
            "template {{"
                + String.join(" ", words)
                + "}}: unknown variable (known: ."
                + String.join(", .", VARIABLES)
                + ")");
      }
      return;
    }
    if (!functions) {
      throw new UsageException(
          "template {{" + String.join(" ", words) + "}}: template functions are disabled");
    }
    int args;
    switch (head) {
      case "newUUID":
        args = 0;
        break;
      case "randomString":
        args = 1;
        break;
      case "randomInt":
        args = 2;
        break;
      default:
        throw new UsageException(
            "template {{"
                + String.join(" ", words)
                + "}}: unknown function "
                + head
                + " (supported: newUUID, randomString N, randomInt MIN MAX)");
    }
    if (words.length != args + 1) {
      throw new UsageException(
          "template {{"
              + String.join(" ", words)
              + "}}: "
              + head
              + " takes "
              + args
              + " argument(s)");
    }
    for (int i = 1; i < words.length; i++) {
      try {
        Integer.parseInt(words[i]);
      } catch (NumberFormatException e) {
        throw new UsageException(
            "template {{" + String.join(" ", words) + "}}: " + words[i] + " is not an integer");
      }
    }
  }

  String render(Map<String, Object> vars) {
    StringBuilder b = new StringBuilder(literals.get(0).length() * 2);
    b.append(literals.get(0));
    for (int i = 0; i < actions.size(); i++) {
      b.append(evaluate(actions.get(i), vars));
      b.append(literals.get(i + 1));
    }
    return b.toString();
  }

  private static String evaluate(String[] words, Map<String, Object> vars) {
    String head = words[0];
    if (head.startsWith(".")) {
      return String.valueOf(vars.get(head.substring(1)));
    }
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    switch (head) {
      case "newUUID":
        return UUID.randomUUID().toString();
      case "randomString":
        int n = Integer.parseInt(words[1]);
        if (n <= 0) {
          n = rnd.nextInt(2, 17);
        }
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
          c[i] = CHARSET.charAt(rnd.nextInt(CHARSET.length()));
        }
        return new String(c);
      default:
        int min = Math.max(0, Integer.parseInt(words[1]));
        int max = Integer.parseInt(words[2]);
        if (max <= 0) {
          max = 1;
        }
        return Integer.toString(max > min ? rnd.nextInt(min, max) : min);
    }
  }

  /** The variables ghz offers for one call. */
  static Map<String, Object> variables(
      com.google.protobuf.Descriptors.MethodDescriptor method,
      String workerId,
      long requestNumber) {
    Instant now = Instant.now();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return Map.ofEntries(
        Map.entry("WorkerID", workerId),
        Map.entry("RequestNumber", requestNumber),
        Map.entry("FullyQualifiedName", method.getFullName()),
        Map.entry("MethodName", method.getName()),
        Map.entry("ServiceName", method.getService().getFullName()),
        Map.entry("InputName", method.getInputType().getFullName()),
        Map.entry("OutputName", method.getOutputType().getFullName()),
        Map.entry("IsClientStreaming", method.isClientStreaming()),
        Map.entry("IsServerStreaming", method.isServerStreaming()),
        Map.entry(
            "Timestamp",
            RFC3339.format(now.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneId.systemDefault()))),
        Map.entry("TimestampUnix", now.getEpochSecond()),
        Map.entry("TimestampUnixMilli", nanos / 1_000_000L),
        Map.entry("TimestampUnixNano", nanos),
        Map.entry("UUID", UUID.randomUUID().toString()));
  }
}
