/*
 * afp_gen: the traffic generator of bench's AfPacketForwardBenchmark. Floods one interface with 60-byte IPv4/UDP
 * frames (no FCS; IP total length 46, so no Ethernet padding) through a PACKET_TX_RING (TPACKET_V2,
 * PACKET_QDISC_BYPASS): up to 64 slots filled per burst, then one sendto(fd, NULL, 0, 0, NULL, 0). The UDP
 * source port cycles over -f flows (from 1024), so the frames are -f different flows; IP header checksum
 * precomputed, UDP checksum 0 (none, allowed for IPv4). Source MAC = the interface's.
 *
 *   gcc -O2 -Wall -o afp_gen afp_gen.c
 *   afp_gen [-s seconds] [-r pps] [-f flows] -d dst-mac -S src-ip -D dst-ip ifname   (generate)
 *   afp_gen -i                                                                      (idle: wait, see below)
 *
 * -r 0 (default) is as fast as the ring and the kernel take them; -r N paces bursts to N frames per second.
 * Runs until SIGINT/SIGTERM, -s seconds, or its parent process ends (checked every 1024 bursts: a killed
 * benchmark JVM leaves no flood behind), then prints "afp_gen: sent ..." and exits.
 * -i does nothing but wait for a signal or the parent's end: the benchmark starts one inside a network namespace
 * to read that namespace's interface counters from /proc/<pid>/net/dev.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 64
#define FRAME_LEN 60
#define SLOT_SIZE 2048
#define BLOCK_SIZE (64 * 1024)
#define BLOCKS 32
#define DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "afp_gen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) == 6;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The frame template: Ethernet, IPv4 (TTL 64, DF, checksum filled in), UDP to port 9 (discard). */
static void build(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint32_t saddr, uint32_t daddr)
{
	memset(f, 0, FRAME_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = FRAME_LEN - 14;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (ip[i] << 8) | ip[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	uint8_t *udp = ip + 20;
	udp[2] = 0;
	udp[3] = 9;
	udp[5] = FRAME_LEN - 14 - 20;
	memcpy(udp + 8, "afp_gen afp_gen ", 16);
}

static int idle(pid_t parent)
{
	printf("afp_gen: idle\n");
	fflush(stdout);
	while (!stop && getppid() == parent)
		sleep(1);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t dst[6], src[6], tmpl[FRAME_LEN];
	uint32_t saddr = 0, daddr = 0;
	double seconds = 0, rate = 0;
	unsigned flows = 1024;
	int opt, have_dst = 0, idle_mode = 0;
	pid_t parent = getppid();

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while ((opt = getopt(argc, argv, "s:r:f:d:S:D:i")) != -1) {
		switch (opt) {
		case 's': seconds = atof(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'f': flows = (unsigned)atoi(optarg); break;
		case 'd': if (!parse_mac(optarg, dst)) goto usage; have_dst = 1; break;
		case 'S': if (inet_pton(AF_INET, optarg, &saddr) != 1) goto usage; break;
		case 'D': if (inet_pton(AF_INET, optarg, &daddr) != 1) goto usage; break;
		case 'i': idle_mode = 1; break;
		default: goto usage;
		}
	}
	if (idle_mode)
		return idle(parent);
	if (argc - optind != 1 || !have_dst || !saddr || !daddr || !flows)
		goto usage;
	const char *ifname = argv[optind];
	int ifindex = if_nametoindex(ifname);
	if (!ifindex)
		die(ifname);

	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("socket");
	int v = TPACKET_V2;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
		die("PACKET_VERSION");
	v = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &v, sizeof(v)) < 0)
		die("PACKET_QDISC_BYPASS");
	struct tpacket_req req = {BLOCK_SIZE, BLOCKS, SLOT_SIZE, BLOCKS * (BLOCK_SIZE / SLOT_SIZE)};
	if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0)
		die("PACKET_TX_RING");
	size_t size = (size_t)BLOCKS * BLOCK_SIZE;
	uint8_t *ring = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (ring == MAP_FAILED)
		die("mmap");
	struct sockaddr_ll sll = {0};
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0;
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	struct ifreq ifr = {0};
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR");
	memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	build(tmpl, dst, src, saddr, daddr);

	/* every slot holds the template once; a burst then only writes the source port */
	unsigned frames = req.tp_frame_nr, next = 0, flow = 0;
	for (unsigned i = 0; i < frames; i++)
		memcpy(ring + (size_t)i * SLOT_SIZE + DATA_OFF, tmpl, FRAME_LEN);

	printf("afp_gen: %s, %u flows, %s\n", ifname, flows, rate > 0 ? "paced" : "max rate");
	fflush(stdout);
	uint64_t sent = 0, ring_full = 0, kick_fails = 0, bursts = 0;
	double t0 = now_s(), t = t0;
	while (!stop) {
		unsigned n = BURST;
		if (rate > 0) {
			/* pacing: the frames due by now, at most a burst; sleep 50 us when none are */
			double due = (t - t0) * rate - (double)sent;
			if (due < 1) {
				struct timespec ts = {0, 50000};
				nanosleep(&ts, NULL);
				t = now_s();
				if (seconds > 0 && t - t0 >= seconds)
					break;
				continue;
			}
			if (due < n)
				n = (unsigned)due;
		}
		unsigned queued = 0;
		for (; queued < n; queued++) {
			struct tpacket2_hdr *h = (struct tpacket2_hdr *)(ring + (size_t)next * SLOT_SIZE);
			if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE) {
				ring_full++;
				break;
			}
			uint8_t *f = (uint8_t *)h + DATA_OFF;
			uint16_t sport = (uint16_t)(1024 + flow);
			f[34] = sport >> 8;
			f[35] = (uint8_t)sport;
			flow = flow + 1 == flows ? 0 : flow + 1;
			h->tp_len = FRAME_LEN;
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
			next = next + 1 == frames ? 0 : next + 1;
		}
		if (queued) {
			if (sendto(fd, NULL, 0, 0, NULL, 0) < 0)
				kick_fails++;
			sent += queued;
		}
		if ((++bursts & 1023) == 0) {
			t = now_s();
			if ((seconds > 0 && t - t0 >= seconds) || getppid() != parent)
				break;
		} else if (rate > 0) {
			t = now_s();
		}
	}
	double el = now_s() - t0;
	printf("afp_gen: sent %llu in %.3f s (%.0f pps), ring_full %llu, kick_fails %llu\n", (unsigned long long)sent,
		el, sent / (el > 0 ? el : 1), (unsigned long long)ring_full, (unsigned long long)kick_fails);
	munmap(ring, size);
	close(fd);
	return 0;
usage:
	fprintf(stderr, "usage: %s [-s seconds] [-r pps] [-f flows] -d dst-mac -S src-ip -D dst-ip ifname | %s -i\n",
		argv[0], argv[0]);
	return 2;
}
