# Shared by the launchers in bin/ and the benchmarks in bench/: builds ftvm's modules when they were never built or
# their sources changed since the last build.
# Usage: ftvm_ensure_built MODULE  (sets FTVM_ROOT; builds every launcher module, see FTVM_MODULES; Maven's output
# goes to target/ftvm-build.log and, when the build fails, its end to stderr)

FTVM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Every module a launcher or benchmark runs from: the first use of any of them builds them all, once, so the next
# launcher starts at once.
FTVM_MODULES="vmm,replication-protocol,coordinator,ft-node,ft-cli"

ftvm_ensure_built() {
    local module="$1"
    local stamp="$FTVM_ROOT/target/.ftvm-built"
    local stale=0
    if [[ ! -f "$stamp" || ! -d "$FTVM_ROOT/$module/target/lib" ]]; then
        stale=1
    elif [[ -n "$(find "$FTVM_ROOT/pom.xml" "$FTVM_ROOT"/*/pom.xml "$FTVM_ROOT"/*/src/main \
                    "$FTVM_ROOT/guests/images" -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
        stale=1
    fi
    if [[ $stale == 1 ]]; then
        command -v mvn >/dev/null || { echo "ftvm: Maven (mvn) is required to build ftvm" >&2; return 1; }
        command -v java >/dev/null || { echo "ftvm: a JDK 17 is required" >&2; return 1; }
        mkdir -p "$FTVM_ROOT/target"
        local log="$FTVM_ROOT/target/ftvm-build.log"
        if ! (
            cd "$FTVM_ROOT"
            # One build at a time: concurrent launchers wait for each other, and the second finds it done.
            exec 9>"$FTVM_ROOT/target/.ftvm-build.lock"
            flock 9
            if [[ -f "$stamp" && -z "$(find "$FTVM_ROOT/pom.xml" "$FTVM_ROOT"/*/pom.xml "$FTVM_ROOT"/*/src/main \
                    "$FTVM_ROOT/guests/images" -newer "$stamp" -print -quit 2>/dev/null)" \
                    && -d "$FTVM_ROOT/$module/target/lib" ]]; then
                exit 0 # another launcher built it while this one waited
            fi
            echo "ftvm: building ftvm (first use or sources changed; once for every launcher) ..." >&2
            mvn -q -B -Dstyle.color=never -DskipTests -pl "$FTVM_MODULES" -am package >"$log" 2>&1 || exit 1
            touch "$stamp"
        ); then
            tail -n 40 "$log" | sed 's/\x1b\[[0-9;]*m//g' >&2
            echo "ftvm: the build failed (full output: $log)" >&2
            return 1
        fi
    fi
}

ftvm_classpath() {
    local module="$1"
    echo "$FTVM_ROOT/$module/target/classes:$FTVM_ROOT/$module/target/lib/*"
}
