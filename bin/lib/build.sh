# Shared by the launchers in bin/: builds the Maven modules a launcher needs when
# they were never built or their sources changed since the last build.
# Usage: ftvm_ensure_built MODULE  (sets FTVM_ROOT; Maven's output goes to MODULE/target/ftvm-build.log and,
# when the build fails, its end to stderr)

FTVM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

ftvm_ensure_built() {
    local module="$1"
    local stamp="$FTVM_ROOT/$module/target/.ftvm-built"
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
        echo "ftvm: building $module (first use or sources changed) ..." >&2
        mkdir -p "$FTVM_ROOT/$module/target"
        local log="$FTVM_ROOT/$module/target/ftvm-build.log"
        if ! (
            cd "$FTVM_ROOT"
            # One build at a time: concurrent launchers wait for each other.
            exec 9>"$FTVM_ROOT/$module/target/.ftvm-build.lock"
            flock 9
            mvn -q -B -Dstyle.color=never -DskipTests -pl "$module" -am package >"$log" 2>&1
        ); then
            tail -n 40 "$log" | sed 's/\x1b\[[0-9;]*m//g' >&2
            echo "ftvm: build of $module failed (full output: $log)" >&2
            return 1
        fi
        touch "$stamp"
    fi
}

ftvm_classpath() {
    local module="$1"
    echo "$FTVM_ROOT/$module/target/classes:$FTVM_ROOT/$module/target/lib/*"
}
