/*
 * A C client that talks to the control socket the way DPVS's tools do, so that the platform is tested against C
 * struct layouts (the C compiler's sizes, alignment and padding, checked with _Static_assert against the sizes DPVS
 * v1.10.2 has on x86_64) and against the tools' client algorithm (keepalived's check/sockopt.c as dpip and ipvsadm
 * link it), not only against Java's idea of them. Written from ../shared/dpvs-reference.md part C.
 *
 *   dpvs_tool link-show-cpu [-s]          dpip's "link show cpu [-s]": GET 57, then GET 58 (and 59) per lcore
 *   dpvs_tool link-show [-s]              dpip's "link show [-s]": GET 60, then GET 61 (and 62, whose length dpip
 *                                         asserts) per NIC with its 32-byte name; prints dump_nic_basic's first
 *                                         line and, with -s, the packet counters
 *   dpvs_tool blklst-add VIP PORT IP      SET 73 alone (no GET 18 first: what ipvsadm would send next)
 *   dpvs_tool blklst-get                  GET 76 alone, len checked as ipvsadm's library does; prints every entry
 *   dpvs_tool get ID                      any GET with an empty body; prints the reply length
 *   dpvs_tool addr add|del ADDR/PLEN DEV  dpip's "addr add|del ADDR/PLEN dev DEV": SET 47 or 48 with an
 *                                         inet_addr_param as addr_parse_args fills it
 *   dpvs_tool addr show [DEV] [-v]        dpip's "[-v] addr show [dev DEV]": GET 51, the reply's length checked
 *                                         as dpip does, each entry printed as addr_dump prints it
 *
 * ipvsadm's whole conversations, from its first request (dpvs_ctrl_init's GET 18, without which it exits 2):
 *   dpvs_tool ipvsadm --add-blklst VIP PORT IP   GET 18, SET 73
 *   dpvs_tool ipvsadm --del-blklst VIP PORT IP   GET 18, SET 74
 *   dpvs_tool ipvsadm --get-blklst               GET 18, GET 19 (count from GET 18), GET 76; prints the title and
 *                                                the entries of listed services only, as ipvsadm does, and the
 *                                                number of entries GET 76 returned on stderr
 *   dpvs_tool ipvsadm -ln                        GET 18, GET 19; prints ipvsadm's header for zero services
 *
 * The socket is $DPVS_IPC_FILE, else /var/run/dpvs.ipc. Exit 0 on success, 1 on an error code or a failed check.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SOCKOPT_VERSION ((1 << 16) + (0 << 8) + 0)
#define SOCKOPT_ERRSTR_LEN 64
#define ESOCKOPT_IO (-16384)
#define ESOCKOPT_VERSION (-16382)
enum sockopt_type { SOCKOPT_GET = 0, SOCKOPT_SET };

struct dpvs_sock_msg {
    uint32_t version;
    uint32_t id;
    enum sockopt_type type;
    size_t len;
    char data[0];
};

struct dpvs_sock_msg_reply {
    uint32_t version;
    uint32_t id;
    enum sockopt_type type;
    int errcode;
    char errstr[SOCKOPT_ERRSTR_LEN];
    size_t len;
    char data[0];
};

typedef uint8_t lcoreid_t;

typedef struct netif_lcore_mask_get {
    lcoreid_t master_lcore_id;
    lcoreid_t kni_lcore_id;
    uint8_t slave_lcore_num;
    uint8_t isol_rx_lcore_num;
    uint64_t slave_lcore_mask;
    uint64_t isol_rx_lcore_mask;
} netif_lcore_mask_get_t;

typedef struct netif_lcore_basic_get {
    lcoreid_t lcore_id;
    uint8_t socket_id;
    uint32_t queue_data_len;
    char queue_data[0];
} netif_lcore_basic_get_t;

typedef struct netif_lcore_stats_get {
    lcoreid_t lcore_id;
    uint64_t lcore_loop;
    uint64_t pktburst;
    uint64_t zpktburst;
    uint64_t fpktburst;
    uint64_t z2hpktburst;
    uint64_t h2fpktburst;
    uint64_t ipackets;
    uint64_t ibytes;
    uint64_t opackets;
    uint64_t obytes;
    uint64_t dropped;
} netif_lcore_stats_get_t;

union inet_addr {
    struct in_addr in;
    struct in6_addr in6;
};

struct dp_vs_blklst_conf {
    union inet_addr vaddr;
    uint16_t vport;
    uint8_t proto;
    uint8_t af;
    union inet_addr subject;
    char ipset[32];
};

struct dp_vs_blklst_conf_array {
    int naddr;
    struct dp_vs_blklst_conf blklsts[0];
} __attribute__((__packed__));

_Static_assert(sizeof(struct dpvs_sock_msg) == 24, "request header");
_Static_assert(sizeof(struct dpvs_sock_msg_reply) == 88, "reply header");
_Static_assert(sizeof(netif_lcore_mask_get_t) == 24, "netif_lcore_mask_get");
_Static_assert(sizeof(netif_lcore_basic_get_t) == 8, "netif_lcore_basic_get");
_Static_assert(sizeof(netif_lcore_stats_get_t) == 96, "netif_lcore_stats_get");
_Static_assert(sizeof(struct dp_vs_blklst_conf) == 68, "dp_vs_blklst_conf");
_Static_assert(sizeof(struct dp_vs_blklst_conf_array) == 4, "dp_vs_blklst_conf_array");

/* include/conf/inetaddr.h (v1.10.2): every dpip addr request is an inet_addr_param; GET 51 answers an array */
struct inet_addr_entry {
    int af;
    uint32_t valid_lft;
    uint32_t prefered_lft;
    uint32_t flags;
    char ifname[16];
    union inet_addr bcast;
    union inet_addr addr;
    uint8_t plen;
    uint8_t scope;
    lcoreid_t cid;
    uint8_t nop;
} __attribute__((__packed__));

struct inet_addr_stats {
    uint32_t sa_used;
    uint32_t sa_free;
    uint32_t sa_miss;
} __attribute__((__packed__));

struct inet_addr_param {
    int ifa_ops; /* ifaddr_ops_t: GET 1, ADD 2, DEL 3, MOD 4, FLUSH 5 */
    uint32_t ifa_ops_flags;
    struct inet_addr_entry ifa_entry;
} __attribute__((__packed__));

struct inet_addr_data {
    struct inet_addr_entry ifa_entry;
    struct inet_addr_stats ifa_stats;
} __attribute__((__packed__));

struct inet_addr_data_array {
    int ops;
    uint32_t ops_flags;
    int naddr;
    struct inet_addr_data addrs[0];
} __attribute__((__packed__));

_Static_assert(sizeof(struct inet_addr_entry) == 68, "inet_addr_entry");
_Static_assert(sizeof(struct inet_addr_param) == 76, "inet_addr_param");
_Static_assert(sizeof(struct inet_addr_data) == 80, "inet_addr_data");
_Static_assert(sizeof(struct inet_addr_data_array) == 12, "inet_addr_data_array");

/* include/conf/service.h: DPVS_SO_GET_INFO's reply; ipvsadm copies the first 12 bytes without checking len */
struct dp_vs_getinfo {
    unsigned int version;
    unsigned int size;
    unsigned int num_services;
    unsigned int num_lcores;
};

/* include/conf/service.h: the front of GET_SERVICES' request and reply (then count x 264-byte entries) */
typedef struct dpvs_services_front {
    uint8_t cid;
    uint8_t index;
    uint16_t count;
    uint32_t __pad;
} dpvs_services_front_t;

_Static_assert(sizeof(struct dp_vs_getinfo) == 16, "dp_vs_getinfo");
_Static_assert(sizeof(dpvs_services_front_t) == 8, "dpvs_services_front");

#define DPVS_SO_GET_INFO 18
#define DPVS_SO_GET_SERVICES 19
#define DPVS_SERVICE_COMPAT_LEN 264

static const char *ipc_path(void)
{
    const char *p = getenv("DPVS_IPC_FILE");
    return p ? p : "/var/run/dpvs.ipc";
}

static int sendn(int fd, const void *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        ssize_t w = send(fd, (const char *)buf + put, n - put, 0);
        if (w <= 0)
            return -1;
        put += (size_t)w;
    }
    return 0;
}

/* reads until n bytes or EOF; returns what it got */
static size_t recvn(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, (char *)buf + got, n - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

/*
 * One request per connection, as the tools' client does: connect, send the header and the body, read exactly the
 * 88-byte reply header, stop on errcode (no body is read), read the body, then check the version.
 */
static int sockopt(uint32_t id, enum sockopt_type type, const void *in, size_t in_len, void **out, size_t *out_len)
{
    struct sockaddr_un addr;
    struct dpvs_sock_msg msg;
    struct dpvs_sock_msg_reply reply;
    size_t got;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, ipc_path(), sizeof(addr.sun_path) - 1);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        fprintf(stderr, "sockopt connect failed: %s\n", ipc_path());
        if (fd >= 0)
            close(fd);
        return ESOCKOPT_IO;
    }
    memset(&msg, 0, sizeof(msg));
    msg.version = SOCKOPT_VERSION;
    msg.id = id;
    msg.type = type;
    msg.len = in_len;
    if (sendn(fd, &msg, sizeof(msg)) < 0 || (in_len > 0 && sendn(fd, in, in_len) < 0)) {
        close(fd);
        return ESOCKOPT_IO;
    }
    memset(&reply, 0, sizeof(reply));
    got = recvn(fd, &reply, sizeof(reply));
    if (got != sizeof(reply)) {
        fprintf(stderr, "socket msg header recv error -- %zu/%zu recieved\n", got, sizeof(reply));
        close(fd);
        return ESOCKOPT_IO;
    }
    if (reply.errcode) {
        fprintf(stderr, "[sockopt_msg_recv] errcode set in socket msg#%u header: %s(%d)\n", reply.id,
            reply.errstr, reply.errcode);
        close(fd);
        return reply.errcode;
    }
    *out = NULL;
    *out_len = reply.len;
    if (reply.len > 0) {
        *out = malloc(reply.len);
        if (!*out || recvn(fd, *out, reply.len) != reply.len) {
            fprintf(stderr, "socket msg body recv error\n");
            free(*out);
            close(fd);
            return ESOCKOPT_IO;
        }
    }
    close(fd);
    if (reply.version != SOCKOPT_VERSION) {
        fprintf(stderr, "socket msg version not match\n");
        free(*out);
        return ESOCKOPT_VERSION;
    }
    return 0;
}

/* dpip's dump_cpu_basic and dump_cpu_stats */
static int cpu_show(lcoreid_t cid, int stats)
{
    void *p;
    size_t len;
    int err = sockopt(58, SOCKOPT_GET, &cid, sizeof(cid), &p, &len);
    if (err || !p || !len)
        return err ? err : 1;
    if (len < sizeof(netif_lcore_basic_get_t)) {
        fprintf(stderr, "LCORE_BASIC reply of %zu bytes, dpip asserts at least %zu\n", len,
            sizeof(netif_lcore_basic_get_t));
        return 1;
    }
    netif_lcore_basic_get_t *b = p;
    printf("%d: cpu%d: socket %d\n", cid + 1, b->lcore_id, b->socket_id);
    if (b->queue_data_len > 0)
        printf("    queues %s\n", b->queue_data);
    else
        printf("    queues none\n");
    free(p);
    if (!stats)
        return 0;
    err = sockopt(59, SOCKOPT_GET, &cid, sizeof(cid), &p, &len);
    if (err || !p || !len)
        return err ? err : 1;
    if (len != sizeof(netif_lcore_stats_get_t)) {
        fprintf(stderr, "LCORE_STATS reply of %zu bytes, dpip asserts %zu\n", len, sizeof(netif_lcore_stats_get_t));
        return 1;
    }
    netif_lcore_stats_get_t s = *(netif_lcore_stats_get_t *)p;
    free(p);
    printf("    %-20s%-20s%-20s%-20s\n", "lcore_loop", "pktburst", "zpktburst", "fpktburst");
    printf("    %-20lu%-20lu%-20lu%-20lu\n", s.lcore_loop, s.pktburst, s.zpktburst, s.fpktburst);
    printf("    %-20s%-20s%-20s\n", "z2hpktburst", "h2fpktburst", "dropped");
    printf("    %-20lu%-20lu%-20lu\n", s.z2hpktburst, s.h2fpktburst, s.dropped);
    printf("    %-20s%-20s%-20s%-20s\n", "ipackets", "ibytes", "opackets", "obytes");
    printf("    %-20lu%-20lu%-20lu%-20lu\n", s.ipackets, s.ibytes, s.opackets, s.obytes);
    return 0;
}

static int link_show_cpu(int stats)
{
    void *p;
    size_t len;
    int ii, cnt, ret = 0;
    int err = sockopt(57, SOCKOPT_GET, NULL, 0, &p, &len);
    if (err || !p || !len) {
        fprintf(stderr, "Fail to get configured CPU information.\n");
        return 1;
    }
    if (len < sizeof(netif_lcore_mask_get_t)) {
        fprintf(stderr, "LCORE_MASK reply of %zu bytes, want %zu\n", len, sizeof(netif_lcore_mask_get_t));
        return 1;
    }
    netif_lcore_mask_get_t m = *(netif_lcore_mask_get_t *)p;
    free(p);
    printf("<< Controll Plane >>\n");
    ret |= cpu_show(m.master_lcore_id, stats);
    if (m.kni_lcore_id)
        ret |= cpu_show(m.kni_lcore_id, stats);
    printf("<< Data Plane >>\n");
    for (ii = 0, cnt = 0; cnt <= m.slave_lcore_num && ii < 64; ii++) {
        if (m.slave_lcore_mask & (1UL << ii)) {
            ret |= cpu_show(ii, stats);
            cnt++;
        }
    }
    if (m.isol_rx_lcore_num > 0) {
        printf("<< Isolate RX Lcores >>\n");
        for (ii = 0, cnt = 0; cnt <= m.isol_rx_lcore_num && ii < 64; ii++) {
            if (m.isol_rx_lcore_mask & (1UL << ii)) {
                ret |= cpu_show(ii, stats);
                cnt++;
            }
        }
    }
    return ret ? 1 : 0;
}

/* netif.h: the NIC list, basic and stats replies (natural alignment, x86_64) */
struct port_id_name {
    uint16_t id;
    char name[16];
};
typedef struct netif_nic_list_get {
    uint16_t nic_num;
    uint16_t phy_pid_base;
    uint16_t phy_pid_end;
    uint16_t bond_pid_base;
    uint16_t bond_pid_end;
    struct port_id_name idname[0];
} netif_nic_list_get_t;
typedef struct netif_nic_basic_get {
    char name[32];
    char addr[32];
    char link_status[16];
    char link_duplex[16];
    char link_autoneg[16];
    uint32_t link_speed;
    uint8_t nrxq;
    uint8_t ntxq;
    uint8_t padding[3];
    uint8_t socket_id;
    uint16_t port_id;
    uint16_t mtu;
    uint16_t promisc:1, allmulticast:1, fwd2kni:1, tc_egress:1, tc_ingress:1, ol_rx_ip_csum:1, ol_tx_ip_csum:1,
        ol_tx_tcp_csum:1, ol_tx_udp_csum:1, lldp:1;
} netif_nic_basic_get_t;
typedef struct netif_nic_stats_get {
    uint32_t mbuf_avail;
    uint32_t mbuf_inuse;
    uint64_t ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf;
    uint64_t q_ipackets[16], q_opackets[16], q_ibytes[16], q_obytes[16], q_errors[16];
    uint16_t padding[3];
    uint16_t port_id;
} netif_nic_stats_get_t;
_Static_assert(sizeof(struct port_id_name) == 18, "port_id_name");
_Static_assert(sizeof(netif_nic_list_get_t) == 10, "netif_nic_list_get");
_Static_assert(sizeof(netif_nic_basic_get_t) == 128, "netif_nic_basic_get");
_Static_assert(sizeof(netif_nic_stats_get_t) == 720, "netif_nic_stats_get");

static int nic_show(const char *name, int stats)
{
    char req[32];
    void *p;
    size_t len;
    memset(req, 0, sizeof(req));
    strncpy(req, name, sizeof(req) - 1);
    int err = sockopt(61, SOCKOPT_GET, req, sizeof(req), &p, &len);
    if (err || !p || !len)
        return err ? err : 1;
    if (len != sizeof(netif_nic_basic_get_t)) {
        fprintf(stderr, "PORT_BASIC reply of %zu bytes, want %zu\n", len, sizeof(netif_nic_basic_get_t));
        return 1;
    }
    netif_nic_basic_get_t *b = p;
    printf("%d: %s: socket %d mtu %d rx-queue %d tx-queue %d\n", b->port_id + 1, b->name, b->socket_id, b->mtu,
        b->nrxq, b->ntxq);
    printf("    %s %d Mbps %s %s%s\n", b->link_status, b->link_speed, b->link_duplex, b->link_autoneg,
        b->promisc ? " promisc" : "");
    printf("    addr %s\n", b->addr);
    free(p);
    if (!stats)
        return 0;
    err = sockopt(62, SOCKOPT_GET, req, sizeof(req), &p, &len);
    if (err || !p || !len)
        return err ? err : 1;
    if (len != sizeof(netif_nic_stats_get_t)) {
        fprintf(stderr, "PORT_STATS reply of %zu bytes, dpip asserts %zu\n", len, sizeof(netif_nic_stats_get_t));
        return 1;
    }
    netif_nic_stats_get_t *s = p;
    uint64_t q = 0;
    for (int i = 0; i < 16; i++)
        q += s->q_ipackets[i];
    printf("    ipackets %lu opackets %lu ibytes %lu obytes %lu ierrors %lu imissed %lu mbuf-avail %u mbuf-inuse %u"
        " q_ipackets %lu port %d\n", s->ipackets, s->opackets, s->ibytes, s->obytes, s->ierrors, s->imissed,
        s->mbuf_avail, s->mbuf_inuse, q, s->port_id);
    free(p);
    return 0;
}

static int link_show(int stats)
{
    void *p;
    size_t len;
    int ret = 0;
    int err = sockopt(60, SOCKOPT_GET, NULL, 0, &p, &len);
    if (err || !p || !len) {
        fprintf(stderr, "Fail to get configured NIC list\n");
        return 1;
    }
    netif_nic_list_get_t *l = p;
    if (len < sizeof(*l) + l->nic_num * sizeof(struct port_id_name)) {
        fprintf(stderr, "PORT_LIST reply of %zu bytes for %d NICs\n", len, l->nic_num);
        return 1;
    }
    for (int i = 0; i < l->nic_num; i++) {
        char name[17];
        memcpy(name, l->idname[i].name, 16);
        name[16] = 0;
        ret |= nic_show(name, stats);
    }
    free(p);
    return ret ? 1 : 0;
}

static int blklst_add(const char *vip, const char *port, const char *ip)
{
    struct dp_vs_blklst_conf conf;
    void *p;
    size_t len;
    /* ipvsadm leaves the 12 bytes after an IPv4 address uninitialised: do the same with visible garbage */
    memset(&conf, 0xa5, sizeof(conf));
    memset(conf.ipset, 0, sizeof(conf.ipset));
    if (inet_pton(AF_INET, vip, &conf.vaddr.in) != 1 || inet_pton(AF_INET, ip, &conf.subject.in) != 1) {
        fprintf(stderr, "bad address\n");
        return 1;
    }
    conf.vport = htons((uint16_t)atoi(port));
    conf.proto = 6;
    conf.af = AF_INET;
    return sockopt(73, SOCKOPT_SET, &conf, sizeof(conf), &p, &len) ? 1 : 0;
}

static int blklst_get(void)
{
    void *p;
    size_t len;
    int i;
    if (sockopt(76, SOCKOPT_GET, NULL, 0, &p, &len) || !p)
        return 1;
    struct dp_vs_blklst_conf_array *a = p;
    if (len < sizeof(*a) || len != sizeof(*a) + a->naddr * sizeof(struct dp_vs_blklst_conf)) {
        fprintf(stderr, "blacklist reply of %zu bytes does not hold %d entries\n", len, len >= 4 ? a->naddr : -1);
        return 1;
    }
    for (i = 0; i < a->naddr; i++) {
        char v[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
        struct dp_vs_blklst_conf c;
        /* the array is packed: the records after the 4-byte count are not 4-aligned */
        memcpy(&c, (const char *)p + sizeof(*a) + i * sizeof(c), sizeof(c));
        inet_ntop(c.af, &c.vaddr, v, sizeof(v));
        inet_ntop(c.af, &c.subject, s, sizeof(s));
        printf("%s %s:%u %s\n", c.proto == 6 ? "TCP" : c.proto == 17 ? "UDP" : "?", v, ntohs(c.vport), s);
    }
    free(p);
    return 0;
}

/* libipvs's ipvs_info, filled by dpvs_ctrl_init */
static struct dp_vs_getinfo ipvs_info;

/* ipvsadm's dpvs_ctrl_init: GET 18 with 12 zero bytes; on failure "Can't initialize ipvs" and exit 2 */
static int ipvs_init(void)
{
    char req[12];
    void *p;
    size_t len;
    memset(req, 0, sizeof(req));
    if (sockopt(DPVS_SO_GET_INFO, SOCKOPT_GET, req, sizeof(req), &p, &len) || !p) {
        fprintf(stderr, "Can't initialize ipvs: Are you sure that dpvs is running?\n");
        return 2;
    }
    /* the library copies 12 bytes whatever len says: less would be a read past the reply */
    if (len < 12) {
        fprintf(stderr, "GET_INFO reply of %zu bytes, ipvsadm copies 12\n", len);
        free(p);
        return 2;
    }
    memcpy(&ipvs_info, p, 12);
    free(p);
    return 0;
}

/*
 * ipvsadm's dpvs_get_services: the front with count = num_services from GET 18, cid and padding left as garbage;
 * the reply is copied over a table of 8 + count * 264 bytes, so a longer reply is cut and the count inside counts.
 */
static int get_services(dpvs_services_front_t **out)
{
    dpvs_services_front_t req;
    void *p;
    size_t len, want = sizeof(req) + (size_t)ipvs_info.num_services * DPVS_SERVICE_COMPAT_LEN;
    memset(&req, 0x97, sizeof(req));
    req.index = 0;
    req.count = (uint16_t)ipvs_info.num_services;
    if (sockopt(DPVS_SO_GET_SERVICES, SOCKOPT_GET, &req, sizeof(req), &p, &len) || !p)
        return 1;
    if (len < sizeof(req)) {
        fprintf(stderr, "GET_SERVICES reply of %zu bytes, shorter than its front\n", len);
        free(p);
        return 1;
    }
    *out = calloc(1, want);
    memcpy(*out, p, len < want ? len : want);
    free(p);
    if ((*out)->count > ipvs_info.num_services) {
        fprintf(stderr, "GET_SERVICES says %u services, GET_INFO %u\n", (*out)->count, ipvs_info.num_services);
        free(*out);
        return 1;
    }
    return 0;
}

static void print_version(void)
{
    printf("IP Virtual Server version %u.%u.%u (size=%u)\n", ipvs_info.version >> 16 & 0xff,
        ipvs_info.version >> 8 & 0xff, ipvs_info.version & 0xff, ipvs_info.size);
}

static int ipvsadm(int argc, char **argv)
{
    void *p;
    size_t len;
    int err = ipvs_init();
    if (err)
        return err;
    if (argc == 6 && (!strcmp(argv[2], "--add-blklst") || !strcmp(argv[2], "--del-blklst"))) {
        struct dp_vs_blklst_conf conf;
        memset(&conf, 0xa5, sizeof(conf));
        memset(conf.ipset, 0, sizeof(conf.ipset));
        if (inet_pton(AF_INET, argv[3], &conf.vaddr.in) != 1 || inet_pton(AF_INET, argv[5], &conf.subject.in) != 1) {
            fprintf(stderr, "bad address\n");
            return 2;
        }
        conf.vport = htons((uint16_t)atoi(argv[4]));
        conf.proto = 6;
        conf.af = AF_INET;
        return sockopt(!strcmp(argv[2], "--add-blklst") ? 73 : 74, SOCKOPT_SET, &conf, sizeof(conf), &p, &len)
            ? 1 : 0;
    }
    if (argc == 3 && !strcmp(argv[2], "--get-blklst")) {
        dpvs_services_front_t *svcs;
        struct dp_vs_blklst_conf_array *a;
        int i, n = 0;
        if (get_services(&svcs))
            return 1;
        if (sockopt(76, SOCKOPT_GET, NULL, 0, &p, &len) || !p) {
            free(svcs);
            return 1;
        }
        a = p;
        if (len < sizeof(*a) || len != sizeof(*a) + a->naddr * sizeof(struct dp_vs_blklst_conf)) {
            fprintf(stderr, "blacklist reply of %zu bytes does not hold its entries\n", len);
            free(svcs);
            free(p);
            return 1;
        }
        printf("%-8s %-30s %s\n", "PROTO", "VIP:VPORT", "BLACKLIST");
        /* ipvsadm prints an entry only under a listed service; with none it prints the title only */
        for (i = 0; i < a->naddr; i++) {
            struct dp_vs_blklst_conf c;
            int s;
            memcpy(&c, (const char *)p + sizeof(*a) + i * sizeof(c), sizeof(c));
            for (s = 0; s < svcs->count; s++) {
                const char *e = (const char *)(svcs + 1) + s * DPVS_SERVICE_COMPAT_LEN;
                if (*(const uint8_t *)(e + 4) == c.proto && !memcmp(e + 6, &c.vport, 2) && !memcmp(e + 36, &c.vaddr, 4)) {
                    char v[INET6_ADDRSTRLEN], k[INET6_ADDRSTRLEN];
                    inet_ntop(c.af, &c.vaddr, v, sizeof(v));
                    inet_ntop(c.af, &c.subject, k, sizeof(k));
                    printf("%-8s %s:%-24u %s\n", c.proto == 6 ? "TCP" : "UDP", v, ntohs(c.vport), k);
                    n++;
                }
            }
        }
        fprintf(stderr, "GET 76: %d entries, %d under a listed service\n", a->naddr, n);
        free(svcs);
        free(p);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[2], "-ln")) {
        dpvs_services_front_t *svcs;
        if (get_services(&svcs))
            return 1;
        print_version();
        printf("Prot LocalAddress:Port Scheduler Flags\n");
        printf("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        if (svcs->count) {
            fprintf(stderr, "%u services: this client does not print services\n", svcs->count);
            free(svcs);
            return 1;
        }
        free(svcs);
        return 0;
    }
    fprintf(stderr, "usage: ipvsadm --add-blklst|--del-blklst VIP PORT IP | --get-blklst | -ln\n");
    return 2;
}

/* dpip's addr_parse_args for "ADDR[/PLEN] dev DEV" (scope global, lifetimes forever) */
static int addr_param(struct inet_addr_param *param, int ops, const char *prefix, const char *dev)
{
    char buf[64];
    char *plen;
    memset(param, 0, sizeof(*param));
    param->ifa_ops = ops;
    param->ifa_entry.af = AF_UNSPEC;
    if (dev)
        snprintf(param->ifa_entry.ifname, sizeof(param->ifa_entry.ifname), "%s", dev);
    if (!prefix)
        return 0;
    snprintf(buf, sizeof(buf), "%s", prefix);
    if ((plen = strchr(buf, '/')) != NULL)
        *plen++ = '\0';
    if (inet_pton(AF_INET, buf, &param->ifa_entry.addr.in) != 1) {
        fprintf(stderr, "bad address %s\n", buf);
        return -1;
    }
    param->ifa_entry.af = AF_INET;
    param->ifa_entry.plen = plen ? atoi(plen) : 0;
    if (!param->ifa_entry.plen)
        param->ifa_entry.plen = 32;
    return 0;
}

static const char *scope_name(uint8_t scope, char *buf, size_t size)
{
    switch (scope) {
    case 3: return "host";
    case 2: return "link";
    case 1: return "site";
    case 0: return "global";
    }
    snprintf(buf, size, "%u", scope);
    return buf;
}

/* dpip's addr_do_cmd for show and addr_dump for each entry */
static int addr_show(const char *dev, int verbose)
{
    struct inet_addr_param param;
    struct inet_addr_data_array *array;
    void *p;
    size_t len;
    int i;
    addr_param(&param, 1, NULL, dev);
    if (verbose)
        param.ifa_ops_flags |= 0x1;
    if (sockopt(51, SOCKOPT_GET, &param, sizeof(param), &p, &len) || !p)
        return 1;
    array = p;
    if (len < sizeof(*array) || len < sizeof(*array) + array->naddr * sizeof(struct inet_addr_data)) {
        fprintf(stderr, "corrupted response.\n");
        free(p);
        return 1;
    }
    for (i = 0; i < array->naddr; i++) {
        struct inet_addr_data d;
        char addr[64], bcast[64 + sizeof("broadcast ")], scope[8];
        memcpy(&d, (const char *)p + sizeof(*array) + i * sizeof(d), sizeof(d));
        bcast[0] = '\0';
        if (d.ifa_entry.bcast.in.s_addr) {
            snprintf(bcast, sizeof(bcast), "broadcast ");
            inet_ntop(AF_INET, &d.ifa_entry.bcast, bcast + strlen(bcast), sizeof(bcast) - strlen(bcast));
        }
        if (array->ops_flags & 0x1)
            printf("[%02d] ", d.ifa_entry.cid);
        printf("%s %s/%d scope %s %s\n    %s valid_lft %s preferred_lft %s\n",
               d.ifa_entry.af == AF_INET ? "inet" : "inet6",
               inet_ntop(d.ifa_entry.af, &d.ifa_entry.addr, addr, sizeof(addr)) ? addr : "::",
               d.ifa_entry.plen, scope_name(d.ifa_entry.scope, scope, sizeof(scope)), d.ifa_entry.ifname, bcast,
               d.ifa_entry.valid_lft ? "?" : "forever", d.ifa_entry.prefered_lft ? "?" : "forever");
    }
    free(p);
    return 0;
}

static int addr(int argc, char **argv)
{
    struct inet_addr_param param;
    void *p;
    size_t len;
    if (argc == 5 && (!strcmp(argv[2], "add") || !strcmp(argv[2], "del"))) {
        int add = !strcmp(argv[2], "add");
        if (addr_param(&param, add ? 2 : 3, argv[3], argv[4]))
            return 1;
        return sockopt(add ? 47 : 48, SOCKOPT_SET, &param, sizeof(param), &p, &len) ? 1 : 0;
    }
    if (argc >= 3 && !strcmp(argv[2], "show")) {
        int verbose = argc >= 4 && !strcmp(argv[argc - 1], "-v");
        const char *dev = argc - verbose >= 4 ? argv[3] : NULL;
        return addr_show(dev, verbose);
    }
    fprintf(stderr, "usage: addr add|del ADDR/PLEN DEV | addr show [DEV] [-v]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "addr"))
        return addr(argc, argv);
    if (argc >= 3 && !strcmp(argv[1], "ipvsadm"))
        return ipvsadm(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "link-show"))
        return link_show(argc == 3 && !strcmp(argv[2], "-s"));
    if (argc >= 2 && !strcmp(argv[1], "link-show-cpu"))
        return link_show_cpu(argc == 3 && !strcmp(argv[2], "-s"));
    if (argc == 5 && !strcmp(argv[1], "blklst-add"))
        return blklst_add(argv[2], argv[3], argv[4]);
    if (argc == 2 && !strcmp(argv[1], "blklst-get"))
        return blklst_get();
    if (argc == 3 && !strcmp(argv[1], "get")) {
        void *p;
        size_t len;
        int err = sockopt((uint32_t)atoi(argv[2]), SOCKOPT_GET, NULL, 0, &p, &len);
        if (err)
            return 1;
        printf("%zu\n", len);
        free(p);
        return 0;
    }
    fprintf(stderr, "usage: %s link-show-cpu [-s] | link-show [-s] | blklst-add VIP PORT IP | blklst-get | get ID | addr ...\n", argv[0]);
    return 2;
}
