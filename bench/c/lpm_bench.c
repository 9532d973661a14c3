/*
 * C anchor for bench.route.RouteLookupBenchmark: DPDK's own rte_lpm (DIR-24-8) on the same kind of route mix and
 * query stream, timed single lookup by single lookup (rte_lpm_lookup, the comparable figure) and, reported
 * separately, through DPDK's batch paths (rte_lpm_lookup_bulk of 32 and rte_lpm_lookupx4, the SSE path).
 *
 * Routes: a default route plus (routes - 1) distinct prefixes, 70 % /24, 20 % /16../23, 10 % /25../32, drawn from a
 * splitmix64 PRNG with a fixed seed (distributed as the Java benchmark's java.util.Random(32) draws, not the same
 * values). rte_lpm has no depth 0, so the default route is 0.0.0.0/1 + 128.0.0.0/1, both to next hop 0.
 * Queries: 1M per route count, three in four inside a random route (its prefix with random host bits), one in four a
 * uniformly random address; the 4096-query set is the first 4096 of them (as in Java, where the same seeded stream
 * produces both). Every query is checked against a per-prefix-length hash lookup before timing.
 *
 * Timing: per (routes, queries) pair and path, a warm-up pass, then REPS runs of N lookups, queries taken in order
 * and wrapping with a mask; next hops are summed and the sum stored to a volatile sink. clock_gettime(MONOTONIC).
 *
 * Usage: lpm_bench [EAL args] -- [N lookups per run, default 20000000] [reps, default 5]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_version.h>

#define MAX_QUERIES (1u << 20)
#define BULK 32

static volatile uint64_t sink;

/* ---- PRNG: splitmix64 ---- */
static uint64_t rng_state;

static uint64_t next64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t next32(void)
{
	return (uint32_t)(next64() >> 32);
}

/* uniform in [0, bound) */
static uint32_t next_bounded(uint32_t bound)
{
	return (uint32_t)(((uint64_t)next32() * bound) >> 32);
}

/* ---- reference: one open-addressing hash of (prefix, length) -> next hop, probed longest length first ---- */
struct ref_entry {
	uint64_t key; /* (prefix << 6 | length) + 1, 0 = empty */
	uint32_t nh;
};

static struct ref_entry *ref_tab;
static uint32_t ref_mask;
static int ref_has_len[33];

static uint64_t ref_hash(uint64_t k)
{
	k *= 0x9e3779b97f4a7c15ULL;
	return k ^ (k >> 29);
}

static uint32_t prefix_mask(int len)
{
	return len == 0 ? 0 : (uint32_t)(0xffffffffu << (32 - len));
}

/* returns 1 when inserted, 0 when the prefix was already there */
static int ref_put(uint32_t prefix, int len, uint32_t nh)
{
	uint64_t key = (((uint64_t)prefix << 6) | (uint64_t)len) + 1;
	for (uint64_t i = ref_hash(key) & ref_mask;; i = (i + 1) & ref_mask) {
		if (ref_tab[i].key == key)
			return 0;
		if (ref_tab[i].key == 0) {
			ref_tab[i].key = key;
			ref_tab[i].nh = nh;
			ref_has_len[len] = 1;
			return 1;
		}
	}
}

static int64_t ref_get(uint32_t prefix, int len)
{
	uint64_t key = (((uint64_t)prefix << 6) | (uint64_t)len) + 1;
	for (uint64_t i = ref_hash(key) & ref_mask;; i = (i + 1) & ref_mask) {
		if (ref_tab[i].key == key)
			return ref_tab[i].nh;
		if (ref_tab[i].key == 0)
			return -1;
	}
}

static int64_t ref_lookup(uint32_t addr)
{
	for (int l = 32; l >= 0; l--) {
		if (!ref_has_len[l])
			continue;
		int64_t v = ref_get(addr & prefix_mask(l), l);
		if (v >= 0)
			return v;
	}
	return -1;
}

/* ---- timed loops ---- */
static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* one rte_lpm_lookup per iteration; no auto-vectorisation so that it stays single lookups */
__attribute__((noinline, optimize("no-tree-vectorize")))
static uint64_t run_single(const struct rte_lpm *lpm, const uint32_t *q, uint32_t mask, uint64_t n)
{
	uint64_t sum = 0;
	uint32_t idx = 0, nh;
	for (uint64_t i = 0; i < n; i++) {
		rte_lpm_lookup(lpm, q[idx], &nh);
		sum += nh;
		idx = (idx + 1) & mask;
	}
	return sum;
}

__attribute__((noinline))
static uint64_t run_bulk(const struct rte_lpm *lpm, const uint32_t *q, uint32_t mask, uint64_t n)
{
	uint64_t sum = 0;
	uint32_t idx = 0;
	uint32_t hops[BULK];
	for (uint64_t i = 0; i < n; i += BULK) {
		rte_lpm_lookup_bulk(lpm, q + idx, hops, BULK);
		for (int j = 0; j < BULK; j++)
			sum += hops[j] & 0x00ffffff;
		idx = (idx + BULK) & mask;
	}
	return sum;
}

__attribute__((noinline))
static uint64_t run_x4(const struct rte_lpm *lpm, const uint32_t *q, uint32_t mask, uint64_t n)
{
	uint64_t sum = 0;
	uint32_t idx = 0;
	uint32_t hop[4];
	for (uint64_t i = 0; i < n; i += 4) {
		xmm_t ip = _mm_loadu_si128((const __m128i *)(q + idx));
		rte_lpm_lookupx4(lpm, ip, hop, 0);
		sum += (uint64_t)hop[0] + hop[1] + hop[2] + hop[3];
		idx = (idx + 4) & mask;
	}
	return sum;
}

typedef uint64_t (*run_fn)(const struct rte_lpm *, const uint32_t *, uint32_t, uint64_t);

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void measure(const char *path, run_fn fn, const struct rte_lpm *lpm, const uint32_t *q, uint32_t nq,
		    int routes, uint64_t n, int reps, uint64_t expect_sum_per_pass)
{
	double t[32];
	uint32_t mask = nq - 1;
	/* warm-up: two passes over the query set, or n/4 lookups, whichever is more */
	uint64_t warm = 2ull * nq > n / 4 ? 2ull * nq : n / 4;
	sink = fn(lpm, q, mask, warm);
	/* the batch paths must see the same next hops as the single path */
	uint64_t s = fn(lpm, q, mask, nq);
	if (s != expect_sum_per_pass) {
		fprintf(stderr, "%s: sum over one pass %" PRIu64 " != single path %" PRIu64 "\n", path, s,
			expect_sum_per_pass);
		exit(1);
	}
	for (int r = 0; r < reps; r++) {
		double t0 = now_ns();
		sink = fn(lpm, q, mask, n);
		t[r] = (now_ns() - t0) / (double)n;
	}
	qsort(t, reps, sizeof(t[0]), cmp_double);
	double min = t[0], med = t[reps / 2];
	printf("%-7s %7d %8u  %7.2f %7.2f  %8.1f %8.1f   ", path, routes, nq, min, med, 1e3 / min, 1e3 / med);
	for (int r = 0; r < reps; r++)
		printf(" %.2f", t[r]);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int eal = rte_eal_init(argc, argv);
	if (eal < 0) {
		fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= eal;
	argv += eal;
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000000ull;
	int reps = argc > 2 ? atoi(argv[2]) : 5;
	if (reps < 1 || reps > 32)
		reps = 5;
	n = (n + BULK - 1) / BULK * BULK;

	static const int route_counts[] = {10, 10000, 100000};
	static const uint32_t query_counts[] = {4096, MAX_QUERIES};
	const uint32_t number_tbl8s = 1u << 16;

	printf("rte_lpm DIR-24-8, DPDK %s, lcore %u (cpu %d), %" PRIu64 " lookups per run, %d runs\n", rte_version(),
	       rte_lcore_id(), sched_getcpu(), n, reps);
	printf("config: max_rules = routes + 1, number_tbl8s = %u; default route = 0/1 + 128/1 -> next hop 0\n",
	       number_tbl8s);

	uint32_t *q = rte_malloc("queries", MAX_QUERIES * sizeof(uint32_t), 64);
	uint32_t *prefixes = malloc(100000 * sizeof(uint32_t));
	int *plens = malloc(100000 * sizeof(int));
	ref_mask = (1u << 19) - 1;
	ref_tab = malloc((size_t)(ref_mask + 1) * sizeof(*ref_tab));
	if (q == NULL || prefixes == NULL || plens == NULL || ref_tab == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}

	for (size_t ri = 0; ri < sizeof(route_counts) / sizeof(route_counts[0]); ri++) {
		const int routes = route_counts[ri];
		memset(ref_tab, 0, (size_t)(ref_mask + 1) * sizeof(*ref_tab));
		memset(ref_has_len, 0, sizeof(ref_has_len));
		rng_state = 32;

		char name[32];
		snprintf(name, sizeof(name), "lpm%d", routes);
		struct rte_lpm_config cfg = {.max_rules = routes + 1, .number_tbl8s = number_tbl8s, .flags = 0};
		struct rte_lpm *lpm = rte_lpm_create(name, SOCKET_ID_ANY, &cfg);
		if (lpm == NULL) {
			fprintf(stderr, "rte_lpm_create failed: %s\n", rte_strerror(rte_errno));
			return 1;
		}
		double t0 = now_ns();
		if (rte_lpm_add(lpm, 0x00000000u, 1, 0) < 0 || rte_lpm_add(lpm, 0x80000000u, 1, 0) < 0) {
			fprintf(stderr, "default route add failed\n");
			return 1;
		}
		ref_put(0, 0, 0);
		int counts[33] = {0};
		int nr = 1;
		while (nr < routes) {
			uint32_t r = next_bounded(10);
			int plen = r < 7 ? 24 : r < 9 ? 16 + (int)next_bounded(8) : 25 + (int)next_bounded(8);
			uint32_t p = next32() & prefix_mask(plen);
			if (!ref_put(p, plen, (uint32_t)nr))
				continue; /* duplicate prefix: draw again, as the Java benchmark does */
			int rc = rte_lpm_add(lpm, p, (uint8_t)plen, (uint32_t)nr);
			if (rc < 0) {
				fprintf(stderr, "rte_lpm_add(%08x/%d) failed: %d\n", p, plen, rc);
				return 1;
			}
			prefixes[nr] = p;
			plens[nr] = plen;
			counts[plen]++;
			nr++;
		}
		double add_ms = (now_ns() - t0) / 1e6;
		int long_routes = 0;
		for (int l = 25; l <= 32; l++)
			long_routes += counts[l];
		/* tbl8 groups in use: one per distinct /24 holding a route longer than /24 */
		uint32_t *s24 = malloc((size_t)(long_routes + 1) * sizeof(uint32_t));
		int ns24 = 0, groups = 0;
		for (int i = 1; i < routes; i++)
			if (plens[i] > 24)
				s24[ns24++] = prefixes[i] >> 8;
		qsort(s24, ns24, sizeof(uint32_t), cmp_u32);
		for (int i = 0; i < ns24; i++)
			groups += i == 0 || s24[i] != s24[i - 1];
		free(s24);

		for (uint32_t i = 0; i < MAX_QUERIES; i++) {
			/* three in four inside a route, the rest anywhere (mostly the default route) */
			uint32_t k = 1 + next_bounded((uint32_t)routes - 1);
			uint32_t rnd = next32();
			q[i] = (i & 3) != 0 ? prefixes[k] | (rnd & ~prefix_mask(plens[k])) : rnd;
		}
		/* check every query against the reference, and get the single path's sums */
		uint64_t sum4k = 0, sum1m = 0;
		for (uint32_t i = 0; i < MAX_QUERIES; i++) {
			uint32_t nh;
			if (rte_lpm_lookup(lpm, q[i], &nh) != 0 || (int64_t)nh != ref_lookup(q[i])) {
				fprintf(stderr, "rte_lpm disagrees with the reference for %08x\n", q[i]);
				return 1;
			}
			sum1m += nh;
			if (i < 4096)
				sum4k += nh;
		}
		printf("\nroutes %d: %d /24, %d /16../23, %d /25../32 + default; added in %.0f ms; "
		       "%d tbl8 groups in use (of %u)\n",
		       routes, counts[24], routes - 1 - counts[24] - long_routes, long_routes, add_ms, groups, number_tbl8s);
		printf("%-7s %7s %8s  %7s %7s  %8s %8s   %s\n", "path", "routes", "queries", "ns min", "ns med",
		       "M/s max", "M/s med", "ns/lookup of each run, sorted");
		for (size_t qi = 0; qi < sizeof(query_counts) / sizeof(query_counts[0]); qi++) {
			uint32_t nq = query_counts[qi];
			uint64_t expect = nq == MAX_QUERIES ? sum1m : sum4k;
			measure("single", run_single, lpm, q, nq, routes, n, reps, expect);
			measure("bulk32", run_bulk, lpm, q, nq, routes, n, reps, expect);
			measure("x4", run_x4, lpm, q, nq, routes, n, reps, expect);
		}
		rte_lpm_free(lpm);
	}
	printf("sink %" PRIu64 "\n", sink);
	rte_free(q);
	rte_eal_cleanup();
	return 0;
}
