/*
 * C anchor for bench.mp.MpChannelBenchmark: DPDK's own multi-process channel, rte_mp_request_sync from the primary
 * to its secondaries (lib/eal/common/eal_common_proc.c), the round trip timed request by request.
 *
 * One binary, two roles, chosen by EAL's --proc-type:
 *  - secondary: registers the action "mp_bench_echo", which answers every request with its own params
 *    (rte_mp_reply), and "mp_bench_quit", which ends it; then sleeps until told to quit.
 *  - primary: waits until every expected secondary answers (a request whose nb_received is the count), warms up,
 *    then times ITERS synchronous requests of SIZE bytes of params (each one a broadcast to every secondary:
 *    rte_mp_request_sync from the primary goes to all of them, as MpChannel.request does) and prints the mean and
 *    percentiles in microseconds; finally sends mp_bench_quit (rte_mp_sendmsg) to every secondary.
 * A request that does not get every reply counts as a failure (printed; exit 1).
 *
 * Clock: clock_gettime(CLOCK_MONOTONIC) around each rte_mp_request_sync; the reply array DPDK mallocs per request is
 * freed inside the timed region, as a caller must.
 *
 * Usage: mp_bench [EAL args] -- [--secondaries N (default 1)] [--iters N (default 100000)] [--size BYTES (default
 *        64, at most RTE_MP_MAX_PARAM_LEN 256)] [--warmup N (default 10000)] [--timeout-ms N (default 5000)]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_string_fns.h>
#include <rte_version.h>

#define ECHO "mp_bench_echo"
#define QUIT "mp_bench_quit"

static volatile int quit;

static int on_echo(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg reply;

	memset(&reply, 0, sizeof(reply));
	strlcpy(reply.name, msg->name, sizeof(reply.name));
	reply.len_param = msg->len_param;
	memcpy(reply.param, msg->param, msg->len_param);
	return rte_mp_reply(&reply, peer);
}

static int on_quit(const struct rte_mp_msg *msg, const void *peer)
{
	(void)msg;
	(void)peer;
	quit = 1;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a;
	const uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One synchronous request; returns the replies received, -1 on an error. */
static int request(struct rte_mp_msg *req, const struct timespec *ts)
{
	struct rte_mp_reply reply;
	int n;

	memset(&reply, 0, sizeof(reply));
	if (rte_mp_request_sync(req, &reply, ts) != 0)
		return -1;
	n = reply.nb_received;
	free(reply.msgs);
	return n;
}

static int run_secondary(void)
{
	if (rte_mp_action_register(ECHO, on_echo) != 0 || rte_mp_action_register(QUIT, on_quit) != 0) {
		fprintf(stderr, "mp_bench: action registration failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	printf("mp_bench: secondary %d ready\n", (int)getpid());
	fflush(stdout);
	while (!quit)
		usleep(10000);
	return 0;
}

static int run_primary(int secondaries, long iters, int size, long warmup, int timeout_ms)
{
	struct rte_mp_msg req;
	struct timespec ts = { .tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L };
	uint64_t *lat, sum = 0, t0, wait_until;
	long i, failures = 0;
	int n = 0;

	memset(&req, 0, sizeof(req));
	strlcpy(req.name, ECHO, sizeof(req.name));
	req.len_param = size;
	for (i = 0; i < size; i++)
		req.param[i] = (uint8_t)i;

	/* wait (at most 60 s) until every secondary attached and registered its action */
	wait_until = now_ns() + 60ull * 1000000000ull;
	while ((n = request(&req, &ts)) < secondaries) {
		if (now_ns() > wait_until) {
			fprintf(stderr, "mp_bench: only %d of %d secondaries answer\n", n < 0 ? 0 : n, secondaries);
			return 1;
		}
		usleep(20000);
	}
	for (i = 0; i < warmup; i++)
		request(&req, &ts);

	lat = malloc(sizeof(*lat) * (size_t)iters);
	if (lat == NULL)
		return 1;
	for (i = 0; i < iters; i++) {
		t0 = now_ns();
		n = request(&req, &ts);
		lat[i] = now_ns() - t0;
		if (n != secondaries)
			failures++;
		sum += lat[i];
	}
	qsort(lat, (size_t)iters, sizeof(*lat), cmp_u64);
	printf("mp_bench: %s, rte_mp_request_sync primary -> %d secondar%s, %d bytes of params, %ld requests "
	       "(%ld warm-up), %ld incomplete\n", rte_version(), secondaries, secondaries == 1 ? "y" : "ies", size,
	       iters, warmup, failures);
	printf("mp_bench: round trip us: mean %.2f  min %.2f  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  "
	       "(%.0f requests/s)\n", sum / 1e3 / iters, lat[0] / 1e3, lat[iters / 2] / 1e3,
	       lat[(long)(iters * 0.9)] / 1e3, lat[(long)(iters * 0.99)] / 1e3, lat[(long)(iters * 0.999)] / 1e3,
	       lat[iters - 1] / 1e3, iters * 1e9 / sum);
	free(lat);

	memset(&req, 0, sizeof(req));
	strlcpy(req.name, QUIT, sizeof(req.name));
	rte_mp_sendmsg(&req);
	return failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "secondaries", required_argument, NULL, 's' },
		{ "iters", required_argument, NULL, 'i' },
		{ "size", required_argument, NULL, 'z' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int secondaries = 1, size = 64, timeout_ms = 5000, opt, rc;
	long iters = 100000, warmup = 10000;
	int used = rte_eal_init(argc, argv);

	if (used < 0) {
		fprintf(stderr, "mp_bench: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argc -= used;
	argv += used;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's': secondaries = atoi(optarg); break;
		case 'i': iters = atol(optarg); break;
		case 'z': size = atoi(optarg); break;
		case 'w': warmup = atol(optarg); break;
		case 't': timeout_ms = atoi(optarg); break;
		default:
			fprintf(stderr, "mp_bench: unknown option\n");
			return 2;
		}
	}
	if (secondaries < 1 || iters < 1 || warmup < 0 || size < 0 || size > RTE_MP_MAX_PARAM_LEN) {
		fprintf(stderr, "mp_bench: bad option value\n");
		return 2;
	}
	rc = rte_eal_process_type() == RTE_PROC_PRIMARY
		? run_primary(secondaries, iters, size, warmup, timeout_ms) : run_secondary();
	rte_eal_cleanup();
	return rc;
}
