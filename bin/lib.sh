# Shared by the bin/ scripts: find the checkout, build a module when its jar is missing or stale.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

# jar MODULE: the module's jar (MODULE is its folder, e.g. model-server/demo; the jar is named for its last part).
jar() {
  ls "$root/$1"/target/"$(basename "$1")"-*[0-9T].jar 2>/dev/null | head -n 1 || true
}

# ensure_built MODULE: (re)builds MODULE and what it depends on when any main source is newer than its jar.
ensure_built() {
  local module=$1 jar
  jar=$(jar "$module")
  if [[ -z "$jar" || -n "$(find "$root" -newer "$jar" \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' \) \
        -not -path '*/target/*' -not -path '*/src/test/*' -not -path '*/.git/*' -print -quit)" ]]; then
    echo "building $module (first run downloads dependencies; this takes a few minutes)..." >&2
    (cd "$root" && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true -pl "$module" -am package) >&2
    # The jar plugin leaves an up-to-date jar as it was: mark it checked, or a newer source in another
    # module would rebuild this one on every call.
    jar=$(jar "$module")
    if [[ -n "$jar" ]]; then touch "$jar"; fi
  fi
}

# classpath MODULE: the module's jar and its runtime dependencies.
classpath() {
  local module=$1
  echo "$(jar "$module"):$root/$module/target/lib/*"
}

# jvm_start_flags MODULE: the JVM flags bin/model-server and bin/gateway start with (before $JAVA_OPTS, which
# may override them). Class data sharing (AppCDS): the first start after a build records the classes it loads
# when it exits (-XX:ArchiveClassesAtExit, into MODULE/target/MODULE.jsa.PID, PID being the JVM's own as these
# scripts exec it, so that two first starts never write one file), the next start adopts that archive as
# MODULE.jsa, and every later start maps it (-XX:SharedArchiveFile): 30-45% off the JVM's part of start-up
# here (README, Readiness). An archive older than a jar it was made from is made again; one the JVM cannot use
# (another JDK, a changed class path) is ignored and the process starts as without it. INFERGATE_CDS=off: none.
jvm_start_flags() {
  local module=$1 jar jsa made pid quiet="-Xlog:cds=off -Xlog:cds+dynamic=off"
  [[ ${INFERGATE_CDS:-on} == off ]] && return 0
  jar=$(jar "$module")
  jsa="$root/$module/target/$(basename "$module").jsa"
  for made in "$jsa".[0-9]*; do
    pid=${made##*.}
    # Only the archive of a process that has exited is whole.
    [[ -s "$made" ]] && ! kill -0 "$pid" 2>/dev/null && mv -f "$made" "$jsa"
  done
  if [[ -s "$jsa" && "$jsa" -nt "$jar" && -z "$(find "$root/$module/target/lib" -newer "$jsa" -print -quit 2>/dev/null)" ]]; then
    echo "-XX:SharedArchiveFile=$jsa $quiet"
  else
    echo "-XX:ArchiveClassesAtExit=$jsa.$$ $quiet"
  fi
}
