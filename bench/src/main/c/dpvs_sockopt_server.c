/*
 * The shape of DPVS's control socket server (src/ctrl.c, sockopt_job and sockopt_ctl, v1.10.2), in C, for the
 * benchmarks: one thread busy-polls a non-blocking listening socket (DPVS's sockopt_job is a LOOP job on the
 * master lcore, which never sleeps), serves an accepted connection with blocking reads and writes, exactly one
 * request, and closes it. No registry lookup and no handler: the reply echoes the request body, so this is a
 * floor under what DPVS does per request, not DPVS itself.
 *
 *   request  <III4xQ>  version, id, type, padding, len; then len bytes
 *   reply    <IIIi64sQ> version, id, type, errcode 0, errstr "OK", len; then the body echoed
 *
 * usage: dpvs-sockopt-server SOCKET_PATH        (stops on SIGTERM or SIGINT; prints its request count)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REQ_HDR 24
#define REP_HDR 88
#define MAX_BODY (1 << 20)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* blocking, as DPVS's sockopt_ctl reads: a slow client stalls this loop */
static int readn(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r == 0)
            return -1;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

static int writen(int fd, const void *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        ssize_t w = write(fd, (const char *)buf + put, n - put);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        put += (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static unsigned char body[MAX_BODY];
    unsigned char req[REQ_HDR], rep[REP_HDR];
    struct sockaddr_un addr;
    unsigned long served = 0, errors = 0;
    int srv;

    if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "usage: %s SOCKET_PATH (at most %zu bytes)\n", argv[0], sizeof(addr.sun_path) - 1);
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);

    srv = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, argv[1]);
    unlink(argv[1]);
    if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 1) < 0
        || fcntl(srv, F_SETFL, O_NONBLOCK) < 0) {
        perror("dpvs-sockopt-server");
        return 1;
    }
    printf("listening on %s\n", argv[1]);
    fflush(stdout);

    while (!stop) {
        uint64_t len;
        int clt = accept(srv, NULL, NULL);
        if (clt < 0)
            continue; /* EAGAIN: poll again at once, as the master lcore's loop does */
        if (readn(clt, req, REQ_HDR) < 0) {
            errors++;
            close(clt);
            continue;
        }
        memcpy(&len, req + 16, 8);
        if (len > MAX_BODY || readn(clt, body, (size_t)len) < 0) {
            errors++;
            close(clt);
            continue;
        }
        memset(rep, 0, sizeof(rep));
        memcpy(rep, req, 12);           /* version, id, type */
        memcpy(rep + 16, "OK", 2);      /* errcode 0 at 12 stays 0; errstr at 16 */
        memcpy(rep + 80, &len, 8);
        if (writen(clt, rep, REP_HDR) < 0 || writen(clt, body, (size_t)len) < 0)
            errors++;
        else
            served++;
        close(clt);
    }
    close(srv);
    unlink(argv[1]);
    printf("requests %lu, errors %lu\n", served, errors);
    return 0;
}
