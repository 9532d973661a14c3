#!/usr/bin/env bash
# Builds and runs the rte_mp anchor for bench.mp.MpChannelBenchmark (see README.md next to it): DPDK's own
# rte_mp_request_sync from a primary to SECONDARIES secondary processes, round-trip percentiles.
# Needs DPDK's development package (apt-get install -y --no-install-recommends libdpdk-dev pkg-config) and root.
#
# Why hugepages (and root): a DPDK secondary attaches to the primary's memory. With --no-huge the primary's memory is
# legacy anonymous memory that it does not describe in <runtime dir>/hugepage_data, and a secondary stops with
# "EAL: Could not open /var/run/dpdk/<prefix>/hugepage_data ... FATAL: Cannot init memory" (DPDK 22.11, tried here);
# --in-memory turns the shared configuration off, so no secondary can attach at all. So this script reserves a few
# 2 MB hugepages (vm.nr_hugepages), mounts a private hugetlbfs when none is mounted, and puts both back when it ends.
#
# Usage: bash bench/c/mp_bench.sh [secondaries, default 1] [requests, default 100000] [param bytes, default 64]
# Environment: PCPU (the primary's CPU, default 0), SCPU (the secondaries' CPU, default 1), OUT (build directory,
# default bench/c/target), PAGES (hugepages to have, default 16 = 32 MB; the primary takes -m 16).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/target}
pcpu=${PCPU:-0}
scpu=${SCPU:-1}
pages=${PAGES:-16}
secondaries=${1:-1}
iters=${2:-100000}
size=${3:-64}
prefix=mp_bench_$$
mkdir -p "$out"
if ! pkg-config --exists libdpdk; then
    echo "mp_bench.sh: libdpdk not found by pkg-config; apt-get install -y --no-install-recommends libdpdk-dev pkg-config" >&2
    exit 1
fi
# shellcheck disable=SC2046
gcc -O2 -Wall -o "$out/mp_bench" "$here/mp_bench.c" $(pkg-config --cflags libdpdk) $(pkg-config --libs libdpdk)

# --- hugepages: keep what is there, add what is missing, put everything back at the end
old_pages=$(cat /proc/sys/vm/nr_hugepages)
huge_dir=$(awk '$3 == "hugetlbfs" { print $2; exit }' /proc/mounts)
mounted=""
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -f "$huge_dir/${prefix}"map_* 2>/dev/null || true
    rm -rf "/var/run/dpdk/$prefix"
    if [ -n "$mounted" ]; then umount "$huge_dir" && rmdir "$huge_dir"; fi
    echo "$old_pages" > /proc/sys/vm/nr_hugepages
}
trap cleanup EXIT
if [ "$old_pages" -lt "$pages" ]; then
    echo "$pages" > /proc/sys/vm/nr_hugepages || { echo "mp_bench.sh: cannot reserve hugepages (root needed)" >&2; exit 1; }
fi
if [ -z "$huge_dir" ]; then
    huge_dir=$out/huge
    mkdir -p "$huge_dir"
    mount -t hugetlbfs -o pagesize=2M none "$huge_dir" || { echo "mp_bench.sh: cannot mount hugetlbfs" >&2; exit 1; }
    mounted=yes
fi

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  kernel: $(uname -r)  cpu: $(lscpu | sed -n 's/^Model name: *//p')"
echo "gcc: $(gcc --version | head -1)  DPDK (pkg-config): $(pkg-config --modversion libdpdk)  hugepages: $(grep HugePages_Total /proc/meminfo | tr -s ' ')"
eal=(--huge-dir "$huge_dir" -m 16 --no-pci --file-prefix="$prefix" --log-level=lib.eal:warning)
# The primary first (it creates the shared configuration), then the secondaries; the primary waits until each of
# them answers before it times anything, and tells them to quit at the end.
"$out/mp_bench" "${eal[@]}" -l "$pcpu" -- --secondaries "$secondaries" --iters "$iters" --size "$size" &
primary=$!
sleep 2
for _ in $(seq 1 "$secondaries"); do
    "$out/mp_bench" "${eal[@]}" -l "$scpu" --proc-type=secondary >/dev/null 2>>"$out/mp_bench_secondaries.log" &
    pids+=($!)
done
rc=0
wait "$primary" || rc=$?
exit "$rc"
