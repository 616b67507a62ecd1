// SPDX-License-Identifier: GPL-2.0
/*
 * mcast - multicast sender and receiver, to check that a multicast
 * listener keeps receiving across a driver restart.
 *
 * usage:
 *   mcast send -g GROUP -p PORT [-I IFADDR] [-i INTERVAL_MS] [-T TTL] -t SECONDS
 *	Send a sequence-numbered datagram to GROUP:PORT every INTERVAL_MS
 *	(default 10) milliseconds for SECONDS, out of the interface that has
 *	the IPv4 address IFADDR (IP_MULTICAST_IF; default: by route), with
 *	TTL (default 1). Send errors while a driver restarts are counted and
 *	ignored. Prints sent= and send_errors=.
 *
 *   mcast recv -g GROUP -p PORT [-I IFADDR] -t SECONDS
 *	Join GROUP on the interface with address IFADDR (IP_ADD_MEMBERSHIP;
 *	default: chosen by the kernel), receive for SECONDS, then print
 *	received=, first_seq=, last_seq=, lost= (sequence numbers missing
 *	between first_seq and last_seq), duplicates=, max_gap_ms= (largest
 *	gap between consecutive datagrams) and max_gap_start_s= (seconds
 *	since the receiver started). Datagrams of another sender run than
 *	the first one heard are ignored (other=).
 *
 * GROUP is an IPv4 multicast address such as 239.1.1.1. Multicast loopback
 * is left on: a receiver in the sender's own network namespace gets copies
 * that never touched a NIC.
 *
 * Exit status: 0 on success (recv: something was received), 1 on failure,
 * 2 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PKT_MAGIC	0x4d435354u	/* "MCST" */
#define NSEC		1000000000ULL
#define MAX_SPAN	(1u << 26)	/* sequence numbers tracked per run */

struct pkt {
	uint32_t magic;
	uint32_t run;
	uint32_t seq;
	uint32_t pad;
	uint64_t tx_ns;
};

struct opts {
	struct in_addr group;
	struct in_addr ifaddr;
	int have_group, have_if;
	unsigned int port, ttl;
	unsigned long long interval_ms;
	double seconds;
};

static volatile sig_atomic_t stop;

static void usage(void)
{
	fprintf(stderr,
		"usage: mcast send -g GROUP -p PORT [-I IFADDR] [-i INTERVAL_MS] [-T TTL] -t SECONDS\n"
		"       mcast recv -g GROUP -p PORT [-I IFADDR] -t SECONDS\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "mcast: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long long parse_num(const char *s, const char *what,
				    unsigned long long min,
				    unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		fprintf(stderr, "mcast: %s must be a number in %llu..%llu, not '%s'\n",
			what, min, max, s);
		exit(2);
	}
	return v;
}

static void parse_addr(const char *s, const char *what, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "mcast: %s wants an IPv4 address, not '%s'\n", what, s);
		exit(2);
	}
}

/*
 * A big receive buffer absorbs the burst a late sender sends to catch up;
 * SO_RCVBUFFORCE (root) may exceed rmem_max, SO_RCVBUF is the fallback.
 */
static void big_rcvbuf(int fd)
{
	int sz = 1 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void parse_opts(int argc, char **argv, struct opts *o, int sender)
{
	char *end;
	int opt;

	o->ttl = 1;
	o->interval_ms = 10;
	while ((opt = getopt(argc, argv, sender ? "g:p:I:i:T:t:" : "g:p:I:t:")) != -1) {
		switch (opt) {
		case 'g':
			parse_addr(optarg, "-g GROUP", &o->group);
			if (!IN_MULTICAST(ntohl(o->group.s_addr))) {
				fprintf(stderr, "mcast: %s is not a multicast address\n", optarg);
				exit(2);
			}
			o->have_group = 1;
			break;
		case 'p':
			o->port = parse_num(optarg, "-p PORT", 1, 65535);
			break;
		case 'I':
			parse_addr(optarg, "-I IFADDR", &o->ifaddr);
			o->have_if = 1;
			break;
		case 'i':
			o->interval_ms = parse_num(optarg, "-i INTERVAL_MS", 1, 60000);
			break;
		case 'T':
			o->ttl = parse_num(optarg, "-T TTL", 0, 255);
			break;
		case 't':
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->seconds > 0) ||
			    o->seconds > 86400) {
				fprintf(stderr, "mcast: -t must be seconds in (0, 86400], not '%s'\n",
					optarg);
				exit(2);
			}
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (!o->have_group || !o->port || !o->seconds) {
		fprintf(stderr, "mcast: -g, -p and -t are required\n");
		usage();
	}
}

static int run_send(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_signal };
	struct pkt p = { .magic = PKT_MAGIC };
	unsigned long long sent = 0, errors = 0;
	uint64_t t0, end, interval, k;
	unsigned char ttl;
	int fd, first_err = 0;

	parse_opts(argc, argv, &o, 1);
	dst.sin_addr = o.group;
	dst.sin_port = htons(o.port);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	ttl = o.ttl;
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0)
		die("IP_MULTICAST_TTL");
	if (o.have_if &&
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &o.ifaddr, sizeof(o.ifaddr)) < 0)
		die("IP_MULTICAST_IF");

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	p.run = (uint32_t)getpid() ^ (uint32_t)now_ns();
	interval = o.interval_ms * 1000000;
	t0 = now_ns();
	end = t0 + (uint64_t)(o.seconds * 1e9);
	for (k = 0; !stop; k++) {
		uint64_t due = t0 + k * interval;
		struct timespec ts = { .tv_sec = due / NSEC, .tv_nsec = due % NSEC };

		if (due >= end || k > UINT32_MAX)
			break;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR &&
		       !stop)
			;
		if (stop)
			break;
		p.seq = k;
		p.tx_ns = now_ns();
		if (sendto(fd, &p, sizeof(p), MSG_DONTWAIT, (struct sockaddr *)&dst,
			   sizeof(dst)) == sizeof(p)) {
			sent++;
			continue;
		}
		switch (errno) {
		case EBADF:
		case EFAULT:
		case EINVAL:
		case ENOTSOCK:
		case EMSGSIZE:
		case EACCES:
			die("sendto");
		}
		if (!first_err) {
			first_err = errno;
			fprintf(stderr, "mcast: sendto: %s (counted, continuing)\n",
				strerror(errno));
		}
		errors++;
	}
	printf("sent=%llu\n", sent);
	printf("send_errors=%llu\n", errors);
	if (fflush(stdout) != 0)
		die("stdout");
	return sent ? 0 : 1;
}

struct rx {
	uint32_t run, first, last;
	uint64_t received, duplicates, other;
	uint64_t last_rx, max_gap, max_gap_start;
	uint8_t *seen;		/* bit (seq - first) */
	size_t seen_bytes;
};

static void record(struct rx *r, const struct pkt *p, uint64_t t)
{
	uint32_t idx;
	size_t need;

	if (!r->received) {
		r->run = p->run;
		r->first = r->last = p->seq;
	} else if (p->run != r->run) {
		r->other++;
		return;
	}
	if (p->seq < r->first || p->seq - r->first >= MAX_SPAN) {
		r->other++;
		return;
	}
	idx = p->seq - r->first;
	need = idx / 8 + 1;
	if (need > r->seen_bytes) {
		size_t n = r->seen_bytes ? r->seen_bytes : 1024;
		uint8_t *b;

		while (n < need)
			n *= 2;
		b = realloc(r->seen, n);
		if (!b)
			die("realloc");
		memset(b + r->seen_bytes, 0, n - r->seen_bytes);
		r->seen = b;
		r->seen_bytes = n;
	}
	if (r->seen[idx / 8] & (1u << (idx % 8))) {
		r->duplicates++;
		return;
	}
	r->seen[idx / 8] |= 1u << (idx % 8);
	if (p->seq > r->last)
		r->last = p->seq;
	if (r->received && t - r->last_rx > r->max_gap) {
		r->max_gap = t - r->last_rx;
		r->max_gap_start = r->last_rx;
	}
	r->last_rx = t;
	r->received++;
}

static int run_recv(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_signal };
	struct ip_mreq mreq;
	struct rx r = { 0 };
	struct pollfd pfd;
	uint64_t t0, end, t;
	int fd, one = 1, zero = 0;
	unsigned long long lost;

	parse_opts(argc, argv, &o, 0);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	big_rcvbuf(fd);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* only the groups this socket joined */
	setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof(zero));
	addr.sin_addr = o.group;
	addr.sin_port = htons(o.port);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	mreq.imr_multiaddr = o.group;
	mreq.imr_interface.s_addr = o.have_if ? o.ifaddr.s_addr : htonl(INADDR_ANY);
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0)
		die("IP_ADD_MEMBERSHIP");

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pfd.fd = fd;
	pfd.events = POLLIN;
	t0 = now_ns();
	end = t0 + (uint64_t)(o.seconds * 1e9);
	while (!stop && (t = now_ns()) < end) {
		uint64_t ms = (end - t + 999999) / 1000000;

		if (poll(&pfd, 1, ms > INT_MAX ? INT_MAX : (int)ms) <= 0)
			continue;
		for (;;) {
			struct pkt p;
			ssize_t n = recv(fd, &p, sizeof(p), MSG_DONTWAIT);

			t = now_ns();
			if (n < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (n != sizeof(p) || p.magic != PKT_MAGIC) {
				r.other++;
				continue;
			}
			record(&r, &p, t);
		}
	}
	lost = r.received ? (unsigned long long)(r.last - r.first) + 1 - r.received : 0;
	printf("received=%llu\n", (unsigned long long)r.received);
	printf("first_seq=%u\n", r.first);
	printf("last_seq=%u\n", r.last);
	printf("lost=%llu\n", lost);
	printf("duplicates=%llu\n", (unsigned long long)r.duplicates);
	printf("other=%llu\n", (unsigned long long)r.other);
	printf("max_gap_ms=%.3f\n", r.max_gap / 1e6);
	printf("max_gap_start_s=%.3f\n",
	       r.max_gap ? (double)(r.max_gap_start - t0) / 1e9 : 0.0);
	if (fflush(stdout) != 0)
		die("stdout");
	if (!r.received) {
		fprintf(stderr, "mcast: nothing received on %s:%u\n",
			inet_ntoa(o.group), o.port);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "send"))
		return run_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "recv"))
		return run_recv(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage();
	fprintf(stderr, "mcast: unknown mode '%s'\n", argv[1]);
	usage();
	return 2;
}
