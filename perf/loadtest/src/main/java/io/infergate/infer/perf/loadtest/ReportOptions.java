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
  Settings.ScheduleFlags load = Settings.ScheduleFlags.NONE;
  long concurrency;
  Settings.ScheduleFlags concurrencySchedule = Settings.ScheduleFlags.NONE;
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
    schedule(j, "load-", load);
    num(j, "concurrency", concurrency);
    schedule(j, "concurrency-", concurrencySchedule);
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

  /** The schedule's ghz keys, each {@code prefix} + schedule, start, end, step, ... */
  private static void schedule(GoJson j, String prefix, Settings.ScheduleFlags f) {
    j.name(prefix + "schedule").value(f.kind().flag());
    j.name(prefix + "start").value(f.start());
    j.name(prefix + "end").value(f.end());
    j.name(prefix + "step").value(f.step());
    j.name(prefix + "step-duration").value(f.stepNanos());
    j.name(prefix + "max-duration").value(f.maxNanos());
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
