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
  fi
}

# classpath MODULE: the module's jar and its runtime dependencies.
classpath() {
  local module=$1
  echo "$(jar "$module"):$root/$module/target/lib/*"
}
