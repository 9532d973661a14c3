#!/usr/bin/env bash
# Builds and runs the rte_lpm anchor for bench.route.RouteLookupBenchmark (see README.md next to it).
# Needs DPDK's development package: apt-get install -y --no-install-recommends libdpdk-dev pkg-config
# Usage: bash bench/c/lpm_bench.sh [lookups per run, default 20000000] [runs, default 5]
# Environment: CPU (the CPU to pin the single lcore to, default 1), OUT (build directory, default bench/c/target).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/target}
cpu=${CPU:-1}
mkdir -p "$out"
if ! pkg-config --exists libdpdk; then
    echo "lpm_bench.sh: libdpdk not found by pkg-config; apt-get install -y --no-install-recommends libdpdk-dev pkg-config" >&2
    exit 1
fi
# -march=native after DPDK's flags: its .pc file carries -march=corei7, and the last -march wins.
# shellcheck disable=SC2046
gcc -O3 -Wall -o "$out/lpm_bench" "$here/lpm_bench.c" $(pkg-config --cflags libdpdk) -march=native \
    $(pkg-config --libs libdpdk)

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  kernel: $(uname -r)  cpu: $(lscpu | sed -n 's/^Model name: *//p')"
echo "gcc: $(gcc --version | head -1)  DPDK (pkg-config): $(pkg-config --modversion libdpdk)  THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo n/a)"
# One lcore on $cpu, no hugepages (4 KiB pages, as the JVM without -XX:+UseTransparentHugePages), no devices.
# --file-prefix: its own /var/run/dpdk runtime directory, so it can run beside another DPDK process.
exec "$out/lpm_bench" --no-huge -m 512 --no-pci -l "$cpu" --file-prefix=lpm_bench --log-level=lib.eal:warning -- "$@"
