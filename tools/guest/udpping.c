// SPDX-License-Identifier: GPL-2.0
/*
 * udpping - measure how long a network path is interrupted with 1 ms UDP
 * "pings": a sender sends a sequence-numbered datagram every INTERVAL to an
 * echo server; the largest gap between consecutive echoes it gets back is
 * the interruption time.
 *
 * usage:
 *   udpping echo [-p PORT]
 *	Echo server: return every datagram to its sender, until killed.
 *
 *   udpping send -c HOST [-p PORT] [-i INTERVAL_US] [-t SECONDS | -n COUNT]
 *		  [-w START_WAIT_MS] [-g GAPFILE]
 *	Send a datagram every INTERVAL_US microseconds (default 1000) for
 *	SECONDS (default 10) or COUNT datagrams, to the echo server at HOST
 *	(an IPv4 address) and PORT (default 7777). The pace follows an
 *	absolute CLOCK_MONOTONIC schedule, so it does not drift; a sender
 *	that fell behind catches up. Echoes are received by a second thread
 *	and timestamped on arrival. After the last send it waits up to 1 s
 *	for stragglers, then prints key=value lines:
 *	  sent received lost duplicates reordered send_errors send_blocked
 *	  max_gap_ms        largest gap between consecutive echoes (arrival)
 *	  max_gap_start_s   when that gap began, in seconds since the start
 *	  tail_gap_ms       from the last echo to the end of sending (0 if an
 *			    echo came after it): an outage to the end
 *	  p50_rtt_ms p99_rtt_ms max_rtt_ms
 *	  max_send_lag_ms   worst lateness of a send against its schedule
 *	  t0_s              the start, CLOCK_MONOTONIC seconds (the guest's
 *			    /proc/uptime clock): "since the start" times
 *			    map onto other events with it
 *	An interruption that lasts until the end of the run shows in lost= and
 *	tail_gap_ms=, not in max_gap_ms=.
 *	-w START_WAIT_MS  first probe the server every 10 ms for up to that
 *			  long and fail if it never answers (default: no probe)
 *	-g GAPFILE        write every gap above 5 ms as "start_s gap_ms" lines
 *	Send errors (ENETUNREACH, ENOBUFS, EHOSTUNREACH... while a driver
 *	restarts) are counted in send_errors= and otherwise ignored. The
 *	socket is non-blocking: a send refused because the socket's send
 *	buffer is full (EAGAIN: the path is slow, as behind a busy NIC, not
 *	broken) is counted apart in send_blocked=; that datagram is skipped,
 *	as a blocking sender would have waited instead.
 *
 * Exit status: 0 on success (send: at least one echo came back), 1 on
 * failure, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PORT	7777
#define PKT_MAGIC	0x55445050u	/* "UDPP" */
#define PKT_DATA	0
#define PKT_PROBE	1
#define NSEC		1000000000ULL
#define MAX_COUNT	10000000ULL	/* 2.7 hours at 1 ms */
#define STRAGGLER_NS	NSEC
#define GAP_LOG_NS	5000000ULL
#define PROBE_NS	10000000ULL

/* Host byte order: only the sender interprets it. */
struct pkt {
	uint32_t magic;
	uint32_t run;
	uint32_t type;
	uint32_t seq;
	uint64_t tx_ns;
};

struct sender {
	int fd;
	struct sockaddr_in dst;
	uint32_t run;
	uint64_t count;		/* datagrams planned */
	uint64_t interval_ns;
	uint64_t t0;		/* time of the first send */
	FILE *gapf;

	/* written by the sending thread, read by the receiver */
	atomic_int done;
	atomic_ullong end_ns;
	atomic_ullong sent;

	/* receiver thread only */
	uint8_t *seen;
	uint32_t *rtt_us;
	uint64_t received, duplicates, reordered, invalid, recv_errors;
	uint64_t last_rx, max_gap, max_gap_start;
	uint32_t max_seq;
};

static volatile sig_atomic_t stop;

static void usage(void)
{
	fprintf(stderr,
		"usage: udpping echo [-p PORT]\n"
		"       udpping send -c HOST [-p PORT] [-i INTERVAL_US] [-t SECONDS | -n COUNT]\n"
		"                    [-w START_WAIT_MS] [-g GAPFILE]\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "udpping: %s: %s\n", what, strerror(errno));
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
		fprintf(stderr, "udpping: %s must be a number in %llu..%llu, not '%s'\n",
			what, min, max, s);
		exit(2);
	}
	return v;
}

static double parse_seconds(const char *s)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400) {
		fprintf(stderr, "udpping: -t must be seconds in (0, 86400], not '%s'\n", s);
		exit(2);
	}
	return v;
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

static void sleep_until(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = t / NSEC,
		.tv_nsec = t % NSEC,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR &&
	       !stop)
		;
}

static int poll_ms(uint64_t ns)
{
	uint64_t ms = (ns + 999999) / 1000000;

	return ms > INT_MAX ? INT_MAX : (int)ms;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Flow control: the send buffer is full, the datagram was not sent. */
static int blocked_send_error(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK;
}

/* Errors that mean the program is wrong, not that the path is down. */
static int fatal_send_error(int err)
{
	switch (err) {
	case EBADF:
	case EFAULT:
	case EINVAL:
	case ENOTSOCK:
	case EMSGSIZE:
	case EDESTADDRREQ:
	case EACCES:
	case EAFNOSUPPORT:
	case EOPNOTSUPP:
		return 1;
	}
	return 0;
}

static int run_echo(int argc, char **argv)
{
	unsigned int port = DEFAULT_PORT;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	static char buf[65536];
	int fd, opt, one = 1;

	while ((opt = getopt(argc, argv, "p:")) != -1) {
		switch (opt) {
		case 'p':
			port = parse_num(optarg, "-p PORT", 1, 65535);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	big_rcvbuf(fd);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	addr.sin_addr.s_addr = htonl(INADDR_ANY);
	addr.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	fprintf(stderr, "udpping: echo server on UDP port %u\n", port);

	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR || !fatal_send_error(errno))
				continue;
			die("recvfrom");
		}
		/* never block: a stalled interface must not stall the server */
		sendto(fd, buf, n, MSG_DONTWAIT, (struct sockaddr *)&from, fl);
	}
	return 0;
}

static void record(struct sender *s, const struct pkt *p, uint64_t t)
{
	uint32_t seq = p->seq;
	uint64_t rtt, gap;

	if (s->seen[seq / 8] & (1u << (seq % 8))) {
		s->duplicates++;
		return;
	}
	s->seen[seq / 8] |= 1u << (seq % 8);
	if (s->received && seq < s->max_seq)
		s->reordered++;
	else
		s->max_seq = seq;

	rtt = t > p->tx_ns ? (t - p->tx_ns) / 1000 : 0;
	s->rtt_us[s->received] = rtt > UINT32_MAX ? UINT32_MAX : rtt;
	if (s->received) {
		gap = t - s->last_rx;
		if (gap > s->max_gap) {
			s->max_gap = gap;
			s->max_gap_start = s->last_rx;
		}
		if (s->gapf && gap > GAP_LOG_NS)
			fprintf(s->gapf, "%.3f %.3f\n",
				(double)(s->last_rx - s->t0) / 1e9, gap / 1e6);
	}
	s->last_rx = t;
	s->received++;
}

/* Is this datagram an echo of one of ours, of the given type? */
static int ours(const struct sender *s, const struct pkt *p, ssize_t n,
		const struct sockaddr_in *from, uint32_t type)
{
	return n == sizeof(*p) &&
	       from->sin_addr.s_addr == s->dst.sin_addr.s_addr &&
	       from->sin_port == s->dst.sin_port &&
	       p->magic == PKT_MAGIC && p->run == s->run && p->type == type;
}

static void drain(struct sender *s)
{
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		struct pkt p;
		ssize_t n;
		uint64_t t;

		n = recvfrom(s->fd, &p, sizeof(p), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		t = now_ns();
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				s->recv_errors++;
			return;
		}
		if (ours(s, &p, n, &from, PKT_DATA) && p.seq < s->count)
			record(s, &p, t);
		else if (!ours(s, &p, n, &from, PKT_PROBE))
			s->invalid++;
	}
}

static void *receiver(void *arg)
{
	struct sender *s = arg;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

	for (;;) {
		int timeout = 100;

		if (atomic_load(&s->done)) {
			uint64_t end = atomic_load(&s->end_ns) + STRAGGLER_NS;
			uint64_t t = now_ns();

			if (s->received >= atomic_load(&s->sent) || t >= end)
				break;
			timeout = poll_ms(end - t);
		}
		if (poll(&pfd, 1, timeout) > 0)
			drain(s);
	}
	return NULL;
}

/* Probe the echo server until it answers or wait_ns passed. */
static int wait_for_echo(struct sender *s, uint64_t wait_ns)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint64_t end = now_ns() + wait_ns, t;
	struct pkt p = { .magic = PKT_MAGIC, .run = s->run, .type = PKT_PROBE };

	while ((t = now_ns()) < end && !stop) {
		uint64_t next = t + PROBE_NS < end ? t + PROBE_NS : end;

		p.tx_ns = t;
		sendto(s->fd, &p, sizeof(p), 0, (struct sockaddr *)&s->dst,
		       sizeof(s->dst));
		p.seq++;
		while ((t = now_ns()) < next && !stop) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			struct pkt r;
			ssize_t n;

			if (poll(&pfd, 1, poll_ms(next - t)) <= 0)
				continue;
			while ((n = recvfrom(s->fd, &r, sizeof(r), MSG_DONTWAIT,
					     (struct sockaddr *)&from, &fl)) >= 0) {
				if (ours(s, &r, n, &from, PKT_PROBE))
					return 0;
				fl = sizeof(from);
			}
		}
	}
	return -1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* nearest-rank percentile of a sorted array, in ms */
static double pct_ms(const uint32_t *v, uint64_t n, unsigned int pct)
{
	uint64_t i;

	if (!n)
		return 0;
	i = (pct * n + 99) / 100;
	return v[i ? i - 1 : 0] / 1e3;
}

static int run_send(int argc, char **argv)
{
	struct sender s = { .fd = -1 };
	const char *host = NULL, *gapfile = NULL;
	unsigned int port = DEFAULT_PORT;
	unsigned long long interval_us = 1000, count = 0, wait_ms = 0;
	unsigned long long send_errors = 0, send_blocked = 0, sent, lost;
	uint64_t k, end, last, max_lag = 0;
	double seconds = 0;
	struct pkt p = { .magic = PKT_MAGIC, .type = PKT_DATA };
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t thr;
	int opt, err, first_err = 0, fatal = 0;

	while ((opt = getopt(argc, argv, "c:p:i:t:n:w:g:")) != -1) {
		switch (opt) {
		case 'c':
			host = optarg;
			break;
		case 'p':
			port = parse_num(optarg, "-p PORT", 1, 65535);
			break;
		case 'i':
			interval_us = parse_num(optarg, "-i INTERVAL_US", 10, 10000000);
			break;
		case 't':
			seconds = parse_seconds(optarg);
			break;
		case 'n':
			count = parse_num(optarg, "-n COUNT", 1, MAX_COUNT);
			break;
		case 'w':
			wait_ms = parse_num(optarg, "-w START_WAIT_MS", 0, 3600000);
			break;
		case 'g':
			gapfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !host)
		usage();
	if (seconds && count) {
		fprintf(stderr, "udpping: -t and -n exclude each other\n");
		return 2;
	}
	if (!count) {
		double c = (seconds ? seconds : 10) * 1e6 / interval_us;

		if (c > MAX_COUNT) {
			fprintf(stderr, "udpping: more than %llu datagrams; raise -i or lower -t\n",
				MAX_COUNT);
			return 2;
		}
		count = c < 1 ? 1 : (unsigned long long)(c + 0.5);
	}

	s.dst.sin_family = AF_INET;
	s.dst.sin_port = htons(port);
	if (inet_pton(AF_INET, host, &s.dst.sin_addr) != 1) {
		fprintf(stderr, "udpping: -c wants an IPv4 address, not '%s'\n", host);
		return 2;
	}
	if (gapfile) {
		s.gapf = fopen(gapfile, "w");
		if (!s.gapf)
			die(gapfile);
	}
	s.count = count;
	s.interval_ns = interval_us * 1000;
	s.run = (uint32_t)getpid() ^ (uint32_t)now_ns();
	s.seen = calloc(count / 8 + 1, 1);
	s.rtt_us = calloc(count, sizeof(*s.rtt_us));
	if (!s.seen || !s.rtt_us)
		die("calloc");

	s.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (s.fd < 0)
		die("socket");
	big_rcvbuf(s.fd);
	/* sends must never block the pace */
	if (fcntl(s.fd, F_SETFL, O_NONBLOCK) < 0)
		die("fcntl");

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (wait_ms && wait_for_echo(&s, wait_ms * 1000000) < 0) {
		fprintf(stderr, "udpping: no echo from %s:%u within %llu ms\n",
			host, port, wait_ms);
		return 1;
	}

	s.t0 = now_ns() + 1000000;
	err = pthread_create(&thr, NULL, receiver, &s);
	if (err) {
		errno = err;
		die("pthread_create");
	}

	p.run = s.run;
	for (k = 0; k < count && !stop; k++) {
		uint64_t due = s.t0 + k * s.interval_ns, t;

		sleep_until(due);
		if (stop)
			break;
		t = now_ns();
		if (t - due > max_lag)
			max_lag = t - due;
		p.seq = k;
		p.tx_ns = t;
		if (sendto(s.fd, &p, sizeof(p), 0, (struct sockaddr *)&s.dst,
			   sizeof(s.dst)) == sizeof(p)) {
			atomic_fetch_add(&s.sent, 1);
			continue;
		}
		if (fatal_send_error(errno)) {
			fprintf(stderr, "udpping: sendto %s: %s\n", host, strerror(errno));
			fatal = 1;
			break;
		}
		if (blocked_send_error(errno)) {
			send_blocked++;
			continue;
		}
		if (!first_err) {
			first_err = errno;
			fprintf(stderr, "udpping: sendto %s: %s (counted, continuing)\n",
				host, strerror(errno));
		}
		send_errors++;
	}
	atomic_store(&s.end_ns, now_ns());
	atomic_store(&s.done, 1);
	pthread_join(thr, NULL);

	sent = atomic_load(&s.sent);
	lost = sent > s.received ? sent - s.received : 0;
	qsort(s.rtt_us, s.received, sizeof(*s.rtt_us), cmp_u32);
	printf("sent=%llu\n", sent);
	printf("received=%llu\n", (unsigned long long)s.received);
	printf("lost=%llu\n", lost);
	printf("duplicates=%llu\n", (unsigned long long)s.duplicates);
	printf("reordered=%llu\n", (unsigned long long)s.reordered);
	printf("send_errors=%llu\n", send_errors);
	printf("send_blocked=%llu\n", send_blocked);
	printf("max_gap_ms=%.3f\n", s.max_gap / 1e6);
	printf("max_gap_start_s=%.3f\n",
	       s.max_gap ? (double)(s.max_gap_start - s.t0) / 1e9 : 0.0);
	end = atomic_load(&s.end_ns);
	last = s.received ? s.last_rx : s.t0;
	printf("tail_gap_ms=%.3f\n", end > last ? (end - last) / 1e6 : 0.0);
	printf("p50_rtt_ms=%.3f\n", pct_ms(s.rtt_us, s.received, 50));
	printf("p99_rtt_ms=%.3f\n", pct_ms(s.rtt_us, s.received, 99));
	printf("max_rtt_ms=%.3f\n", pct_ms(s.rtt_us, s.received, 100));
	printf("max_send_lag_ms=%.3f\n", max_lag / 1e6);
	printf("t0_s=%.3f\n", s.t0 / 1e9);
	if (s.invalid || s.recv_errors)
		fprintf(stderr, "udpping: ignored %llu foreign datagrams, %llu receive errors\n",
			(unsigned long long)s.invalid,
			(unsigned long long)s.recv_errors);
	if (s.gapf && fclose(s.gapf) != 0)
		die(gapfile);
	if (fflush(stdout) != 0)
		die("stdout");
	if (fatal)
		return 1;
	if (!s.received) {
		fprintf(stderr, "udpping: no echo received from %s:%u\n", host, port);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "echo"))
		return run_echo(argc - 1, argv + 1);
	if (!strcmp(argv[1], "send"))
		return run_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage();
	fprintf(stderr, "udpping: unknown mode '%s'\n", argv[1]);
	usage();
	return 2;
}
