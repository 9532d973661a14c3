/*
 * afp_fwd: the C baseline for modules.netif's af_packet port driver, a forwarder between two Linux interfaces on
 * the same PACKET_MMAP ring design the Java driver uses:
 *   receive:  per interface a packet socket with a TPACKET_V3 block ring, read as plain memory, a block handed
 *             back (TP_STATUS_KERNEL, release store) once all its frames are read;
 *   transmit: per interface a packet socket bound with protocol 0 and a TPACKET_V2 frame ring
 *             (PACKET_QDISC_BYPASS, PACKET_LOSS), slots filled and flagged TP_STATUS_SEND_REQUEST, then one
 *             sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) per burst.
 * One busy-polling thread moves bursts of up to 32 frames A -> B and B -> A, copying each frame once (receive
 * ring to transmit slot). Without -A/-B it is an L2 forwarder; with them it acts as an IPv4 router would on the
 * way out of that interface: destination MAC set, source MAC = the interface's, TTL decremented (RFC 1624
 * incremental checksum), frames whose TTL would reach 0 dropped.
 *
 *   gcc -O2 -Wall -o afp_fwd afp_fwd.c
 *   afp_fwd [-s seconds] [-b blocks] [-z block_size] [-A dst-mac-out-of-a] [-B dst-mac-out-of-b] ifA ifB
 *
 * Prints the counters on SIGINT/SIGTERM or after -s seconds, then exits.
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

#define BURST 32
#define FRAME_SIZE 2048
#define BLOCK_TOV_MS 1

struct rxq {
	int fd;
	uint8_t *ring;
	size_t size;
	unsigned blocks, block_size, block, left;
	uint8_t *pos;
};

struct txq {
	int fd;
	uint8_t *ring;
	size_t size;
	unsigned frames, frames_per_block, block_size, next;
	int unkicked;
};

struct port {
	const char *name;
	int ifindex;
	uint8_t mac[6];
	uint8_t dst[6];
	int rewrite;
	struct rxq rx;
	struct txq tx;
	uint64_t rx_pkts, tx_pkts, tx_full, ttl_drops, kick_fails;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what, const char *ifname)
{
	fprintf(stderr, "afp_fwd: %s: %s: %s\n", ifname, what, strerror(errno));
	exit(1);
}

static void set_int(int fd, int name, int value, const char *what, const char *ifname)
{
	if (setsockopt(fd, SOL_PACKET, name, &value, sizeof(value)) < 0)
		die(what, ifname);
}

static void bind_to(int fd, int ifindex, int protocol, const char *ifname)
{
	struct sockaddr_ll sll = {0};
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(protocol);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind", ifname);
}

static void open_port(struct port *p, unsigned blocks, unsigned block_size)
{
	struct ifreq ifr = {0};
	struct tpacket_req3 req3 = {0};
	struct tpacket_req req = {0};

	p->ifindex = if_nametoindex(p->name);
	if (!p->ifindex)
		die("if_nametoindex", p->name);

	/* receive: TPACKET_V3 block ring, protocol 0 until bound so nothing of other interfaces gets in */
	p->rx.fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (p->rx.fd < 0)
		die("socket", p->name);
	set_int(p->rx.fd, PACKET_VERSION, TPACKET_V3, "PACKET_VERSION", p->name);
#ifdef PACKET_IGNORE_OUTGOING
	{
		int one = 1;
		(void)setsockopt(p->rx.fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	}
#endif
	req3.tp_block_size = block_size;
	req3.tp_block_nr = blocks;
	req3.tp_frame_size = FRAME_SIZE;
	req3.tp_frame_nr = blocks * (block_size / FRAME_SIZE);
	req3.tp_retire_blk_tov = BLOCK_TOV_MS;
	if (setsockopt(p->rx.fd, SOL_PACKET, PACKET_RX_RING, &req3, sizeof(req3)) < 0)
		die("PACKET_RX_RING", p->name);
	p->rx.size = (size_t)blocks * block_size;
	p->rx.ring = mmap(NULL, p->rx.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, p->rx.fd, 0);
	if (p->rx.ring == MAP_FAILED)
		die("mmap rx", p->name);
	p->rx.blocks = blocks;
	p->rx.block_size = block_size;
	bind_to(p->rx.fd, p->ifindex, ETH_P_ALL, p->name);

	/* transmit: TPACKET_V2 frame ring on a socket that never receives */
	p->tx.fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (p->tx.fd < 0)
		die("socket", p->name);
	set_int(p->tx.fd, PACKET_VERSION, TPACKET_V2, "PACKET_VERSION", p->name);
	set_int(p->tx.fd, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS", p->name);
	set_int(p->tx.fd, PACKET_LOSS, 1, "PACKET_LOSS", p->name);
	req.tp_block_size = block_size;
	req.tp_block_nr = blocks;
	req.tp_frame_size = FRAME_SIZE;
	req.tp_frame_nr = blocks * (block_size / FRAME_SIZE);
	if (setsockopt(p->tx.fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0)
		die("PACKET_TX_RING", p->name);
	p->tx.size = (size_t)blocks * block_size;
	p->tx.ring = mmap(NULL, p->tx.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, p->tx.fd, 0);
	if (p->tx.ring == MAP_FAILED)
		die("mmap tx", p->name);
	p->tx.frames = req.tp_frame_nr;
	p->tx.frames_per_block = block_size / FRAME_SIZE;
	p->tx.block_size = block_size;
	bind_to(p->tx.fd, p->ifindex, 0, p->name);

	strncpy(ifr.ifr_name, p->name, IFNAMSIZ - 1);
	if (ioctl(p->rx.fd, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR", p->name);
	memcpy(p->mac, ifr.ifr_hwaddr.sa_data, 6);
}

static uint8_t *tx_slot(struct txq *t, unsigned i)
{
	return t->ring + (size_t)(i / t->frames_per_block) * t->block_size
		+ (size_t)(i % t->frames_per_block) * FRAME_SIZE;
}

/* The next frame of the receive ring, or NULL when the kernel has handed no block over. */
static struct tpacket3_hdr *rx_next(struct rxq *r)
{
	while (!r->left) {
		struct tpacket_block_desc *b = (void *)(r->ring + (size_t)r->block * r->block_size);
		if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			return NULL;
		r->left = b->hdr.bh1.num_pkts;
		r->pos = (uint8_t *)b + b->hdr.bh1.offset_to_first_pkt;
		if (!r->left) {
			__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
			r->block = (r->block + 1) % r->blocks;
		}
	}
	return (struct tpacket3_hdr *)r->pos;
}

static void rx_consumed(struct rxq *r)
{
	struct tpacket3_hdr *h = (struct tpacket3_hdr *)r->pos;
	if (--r->left) {
		r->pos += h->tp_next_offset;
		return;
	}
	struct tpacket_block_desc *b = (void *)(r->ring + (size_t)r->block * r->block_size);
	__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	r->block = (r->block + 1) % r->blocks;
}

/* Rewrites an IPv4 frame as a router's output would; returns 0 when its TTL runs out. */
static int route_out(uint8_t *f, unsigned len, const struct port *out)
{
	memcpy(f, out->dst, 6);
	memcpy(f + 6, out->mac, 6);
	if (len >= 34 && f[12] == 0x08 && f[13] == 0x00) {
		uint8_t *ip = f + 14;
		if (ip[8] <= 1)
			return 0;
		/* RFC 1624: HC' = ~(~HC + ~m + m'), the TTL/protocol word going down by 0x0100 */
		uint32_t sum = (uint16_t)~((ip[10] << 8) | ip[11]);
		sum += (uint16_t)~((ip[8] << 8) | ip[9]);
		ip[8]--;
		sum += (ip[8] << 8) | ip[9];
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		ip[10] = (uint8_t)(~sum >> 8);
		ip[11] = (uint8_t)~sum;
	}
	return 1;
}

/* One burst from in's receive ring to out's transmit ring; returns frames moved. */
static unsigned forward(struct port *in, struct port *out)
{
	struct txq *t = &out->tx;
	unsigned n = 0, sent = 0;
	struct tpacket3_hdr *h;

	while (n < BURST && (h = rx_next(&in->rx)) != NULL) {
		struct tpacket2_hdr *s = (struct tpacket2_hdr *)tx_slot(t, t->next);
		uint8_t *frame = (uint8_t *)h + h->tp_mac;
		unsigned len = h->tp_snaplen;
		n++;
		in->rx_pkts++;
		if (__atomic_load_n(&s->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE) {
			out->tx_full++;
			rx_consumed(&in->rx);
			continue;
		}
		int vlan = (h->tp_status & TP_STATUS_VLAN_VALID) && len >= 12;
		unsigned out_len = vlan ? len + 4 : len;
		if (out_len > FRAME_SIZE - (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))) {
			rx_consumed(&in->rx);
			continue;
		}
		uint8_t *data = (uint8_t *)s + TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
		if (!vlan) {
			memcpy(data, frame, len);
		} else {
			/* the kernel took the 802.1Q tag off (VLAN offload): put it back, as the Java driver does */
			uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
			uint16_t tci = (uint16_t)h->hv1.tp_vlan_tci;
			memcpy(data, frame, 12);
			data[12] = tpid >> 8;
			data[13] = (uint8_t)tpid;
			data[14] = tci >> 8;
			data[15] = (uint8_t)tci;
			memcpy(data + 16, frame + 12, len - 12);
			len = out_len;
		}
		rx_consumed(&in->rx);
		if (out->rewrite && !route_out(data, len, out)) {
			out->ttl_drops++;
			continue;
		}
		s->tp_len = len;
		__atomic_store_n(&s->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
		t->next = (t->next + 1) % t->frames;
		sent++;
	}
	out->tx_pkts += sent;
	if (sent || t->unkicked) {
		/* a failed kick leaves the slots flagged: kick again next time even if nothing new was queued */
		t->unkicked = sendto(t->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0;
		if (t->unkicked)
			out->kick_fails++;
	}
	return n;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) == 6;
}

static void print_port(const struct port *p)
{
	printf("%s: rx %llu tx %llu tx_ring_full %llu ttl_drops %llu kick_fails %llu\n", p->name,
		(unsigned long long)p->rx_pkts, (unsigned long long)p->tx_pkts, (unsigned long long)p->tx_full,
		(unsigned long long)p->ttl_drops, (unsigned long long)p->kick_fails);
}

int main(int argc, char **argv)
{
	struct port a = {0}, b = {0};
	unsigned blocks = 16, block_size = 256 * 1024;
	double seconds = 0;
	struct timespec t0, t1;
	int opt;

	while ((opt = getopt(argc, argv, "s:b:z:A:B:")) != -1) {
		switch (opt) {
		case 's': seconds = atof(optarg); break;
		case 'b': blocks = (unsigned)atoi(optarg); break;
		case 'z': block_size = (unsigned)atoi(optarg); break;
		case 'A': if (!parse_mac(optarg, a.dst)) goto usage; a.rewrite = 1; break;
		case 'B': if (!parse_mac(optarg, b.dst)) goto usage; b.rewrite = 1; break;
		default: goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	a.name = argv[optind];
	b.name = argv[optind + 1];
	open_port(&a, blocks, block_size);
	open_port(&b, blocks, block_size);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("afp_fwd: %s <-> %s, %u x %u byte blocks per ring\n", a.name, b.name, blocks, block_size);
	fflush(stdout);
	unsigned long loops = 0;
	while (!stop) {
		forward(&a, &b);
		forward(&b, &a);
		if (seconds > 0 && (++loops & 1023) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if ((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9 >= seconds)
				break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double el = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_port(&a);
	print_port(&b);
	printf("elapsed %.3f s, forwarded %.0f pps\n", el, (a.tx_pkts + b.tx_pkts) / (el > 0 ? el : 1));
	munmap(a.rx.ring, a.rx.size);
	munmap(a.tx.ring, a.tx.size);
	munmap(b.rx.ring, b.rx.size);
	munmap(b.tx.ring, b.tx.size);
	close(a.rx.fd);
	close(a.tx.fd);
	close(b.rx.fd);
	close(b.tx.fd);
	return 0;
usage:
	fprintf(stderr, "usage: %s [-s seconds] [-b blocks] [-z block_size] [-A dst-mac] [-B dst-mac] ifA ifB\n",
		argv[0]);
	return 2;
}
