#!/usr/bin/env bash
# A/B of one JMH benchmark between two builds, forks alternating, so that both see the same vCPU placement periods
# (../shared/anchors/dpdk.md): each fork prints the ping-pong probe at its start and end ("# fork probe").
#
# Usage: bash bench/ab.sh OLD_JAR NEW_JAR ROUNDS 'BENCHMARK_REGEX' [JMH options for both...]
#   e.g. bash bench/ab.sh /tmp/old.jar bench/target/benchmarks.jar 3 'MsgFromMasterBenchmark' -p path=msgmgr-sync
# Old jars: build a commit in a git worktree with `mvn -B -q package -DskipTests -pl bench -am` and copy its
# bench/target/benchmarks.jar aside. Output: bench/target/ab-<date>.txt; a line "steal/other:" after each fork
# gives the machine's busy and steal jiffies outside this script's own CPU time (a cross-check, see run.sh).
set -euo pipefail
old=$1 new=$2 rounds=$3 regex=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/target"
out="$here/target/ab-$(date -u +%Y%m%dT%H%M%SZ).txt"
JAVA=${JAVA:-java}
jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
    local label=$1 jar=$2 tck b0 s0 b1 s1
    shift 2
    tck=$(getconf CLK_TCK)
    echo "== $label $(date -u +%T) $jar"
    read -r b0 s0 < <(jiffies)
    TIMEFORMAT='%U %S'
    { time "$JAVA" -jar "$jar" "$regex" -f 1 "$@" > "$tmp/out" 2>&1; } 2> "$tmp/time"
    read -r b1 s1 < <(jiffies)
    grep -E "fork probe|percentiles|^Benchmark|batch|thrpt|avgt|gc.alloc.rate.norm|sample|p0.50|p0.99 " "$tmp/out" || true
    awk -v b="$((b1 - b0))" -v s="$((s1 - s0))" -v t="$tck" '{ own = ($1 + $2) * t;
        printf "quiet-check: other busy %.0f jiffies (%.1f %% of own %.0f), steal %d\n", b - own,
        (own > 0 ? 100 * (b - own) / own : 0), own, s }' "$tmp/time"
}
{
    echo "A/B $regex, $rounds rounds; old $old ($(stat -c %y "$old")), new $new ($(stat -c %y "$new")); options: $*"
    for r in $(seq 1 "$rounds"); do
        run "round $r old" "$old" "$@"
        run "round $r new" "$new" "$@"
    done
} | tee "$out"
echo "written $out"
