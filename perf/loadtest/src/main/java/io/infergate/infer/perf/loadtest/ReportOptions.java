package io.infergate.infer.perf.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** ghz's {@code runner.Options} as it appears in reports: same keys, order and omission rules. */
final class ReportOptions {
  String call;
  String host;
  String proto;
  String protoset;
  List<String> importPaths = List.of();
  boolean enableCompression;
  String cacert;
  String cert;
  String key;
  String cname;
  boolean skipTls;
  boolean insecure;
  String authority;
  long rps;
  String loadSchedule = "const";
  long loadStart;
  long loadEnd;
  long loadStep;
  long loadStepDuration;
  long loadMaxDuration;
  long concurrency;
  String concurrencySchedule = "const";
  long concurrencyStart;
  long concurrencyEnd;
  long concurrencyStep;
  long concurrencyStepDuration;
  long concurrencyMaxDuration;
  long total;
  boolean async;
  long connections;
  long duration;
  long timeout;
  long dialTimeout;
  long keepalive;
  JsonNode data;
  boolean binary;
  Map<String, String> metadata;
  long cpus;
  String name;
  long skipFirst;
  boolean countErrors;

  void write(GoJson j) {
    j.beginObject();
    str(j, "call", call);
    str(j, "host", host);
    str(j, "proto", proto);
    str(j, "protoset", protoset);
    if (importPaths != null && !importPaths.isEmpty()) {
      j.name("import-paths").beginArray();
      importPaths.forEach(j::value);
      j.endArray();
    }
    bool(j, "enable-compression", enableCompression);
    str(j, "cacert", cacert);
    str(j, "cert", cert);
    str(j, "key", key);
    str(j, "cname", cname);
    bool(j, "skipTLS", skipTls);
    j.name("insecure").value(insecure);
    str(j, "authority", authority);
    num(j, "rps", rps);
    j.name("load-schedule").value(loadSchedule);
    j.name("load-start").value(loadStart);
    j.name("load-end").value(loadEnd);
    j.name("load-step").value(loadStep);
    j.name("load-step-duration").value(loadStepDuration);
    j.name("load-max-duration").value(loadMaxDuration);
    num(j, "concurrency", concurrency);
    j.name("concurrency-schedule").value(concurrencySchedule);
    j.name("concurrency-start").value(concurrencyStart);
    j.name("concurrency-end").value(concurrencyEnd);
    j.name("concurrency-step").value(concurrencyStep);
    j.name("concurrency-step-duration").value(concurrencyStepDuration);
    j.name("concurrency-max-duration").value(concurrencyMaxDuration);
    num(j, "total", total);
    bool(j, "async", async);
    num(j, "connections", connections);
    num(j, "duration", duration);
    num(j, "timeout", timeout);
    num(j, "dial-timeout", dialTimeout);
    num(j, "keepalive", keepalive);
    if (data != null && !data.isNull()) {
      j.name("data").any(data);
    }
    j.name("binary").value(binary);
    if (metadata != null) {
      j.name("metadata").strings(metadata);
    }
    j.name("CPUs").value(cpus);
    str(j, "name", name);
    num(j, "skipFirst", skipFirst);
    bool(j, "count-errors", countErrors);
    j.endObject();
  }

  private static void str(GoJson j, String key, String v) {
    if (v != null && !v.isEmpty()) {
      j.name(key).value(v);
    }
  }

  private static void bool(GoJson j, String key, boolean v) {
    if (v) {
      j.name(key).value(true);
    }
  }

  private static void num(GoJson j, String key, long v) {
    if (v != 0) {
      j.name(key).value(v);
    }
  }
}
