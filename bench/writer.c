/* The background writes of the mixed measurement of bench/run.sh: RATE requests a second
 * to the service at URL (loopback), for SECONDS, then a summary line on stdout.
 *   writer URL RATE SECONDS KIND TOKENS PATH [PATH ...]
 * KIND submit: a citizen's observation (POST PATH = /api/v1/axes/{id}/observations), each
 *   with the next token of the file TOKENS (one post per citizen: the hourly limit holds).
 *   Received, so invisible to the public.
 * KIND progress: a progress report (POST PATH = /api/v1/activities/{id}/updates) with the
 *   first token of TOKENS (the administradora's). Visible to the public.
 * Requests go out on schedule whether or not earlier ones have answered, on at most 16
 * kept-alive connections (one due while 16 are out is skipped: the service is not keeping
 * up). The summary gives the writes' own latency too.
 *
 * In C because the writer shares the machine with the readers being measured: Node's
 * fetch() cost ~4 ms of CPU a request (a tenth of two cores at 50 a second), node:http
 * ~2 ms; this costs a few µs. bench/run.sh compiles it (with -D_GNU_SOURCE: strcasestr). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 16
#define RESPONSE_MAX 65536

struct slot {
	int fd;             /* -1: not connected */
	bool busy;
	double start;       /* when its request went out */
	size_t got;
	char buf[RESPONSE_MAX];
};

static struct sockaddr_in addr;
static struct slot slots[SLOTS];
static double *took;
static long ok, failed, skipped, sent, ntook;

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void
drop(struct slot *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->busy = false;
}

static void
finish(struct slot *s, bool success, bool keep)
{
	took[ntook++] = now_ms() - s->start;
	if (success)
		ok++;
	else
		failed++;
	s->busy = false;
	s->got = 0;
	if (!keep)
		drop(s);
}

/* Reads what arrived on a busy slot; finishes it once the whole response is in. */
static void
on_readable(struct slot *s)
{
	ssize_t n = recv(s->fd, s->buf + s->got, sizeof s->buf - 1 - s->got, 0);
	char *end, *cl;
	size_t head, len;

	if (n <= 0) {
		finish(s, false, false);
		return;
	}
	s->got += (size_t)n;
	s->buf[s->got] = '\0';
	end = strstr(s->buf, "\r\n\r\n");
	if (end == NULL)
		return;
	head = (size_t)(end - s->buf) + 4;
	cl = strcasestr(s->buf, "\r\ncontent-length:");
	len = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
	if (s->got < head + len && s->got < sizeof s->buf - 1)
		return;
	finish(s, strncmp(s->buf + 9, "201", 3) == 0,
	       strcasestr(s->buf, "\r\nconnection: close") == NULL);
}

static bool
connect_slot(struct slot *s)
{
	int one = 1;

	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return false;
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(s->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
		drop(s);
		return false;
	}
	return true;
}

static void
post(struct slot *s, const char *path, const char *token, const char *body)
{
	char req[4096];
	int n = snprintf(req, sizeof req,
	                 "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	                 path, token, strlen(body), body);

	sent++;
	s->start = now_ms();
	s->busy = true;
	s->got = 0;
	if ((s->fd < 0 && !connect_slot(s)) || n <= 0 || (size_t)n >= sizeof req ||
	    send(s->fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		finish(s, false, false);
}

/* Waits for answers until `until` (ms, monotonic), reading whatever arrives. */
static void
wait_until(double until)
{
	for (;;) {
		struct pollfd p[SLOTS];
		int idx[SLOTS], n = 0;
		double left = until - now_ms();

		for (int i = 0; i < SLOTS; i++)
			if (slots[i].busy) {
				p[n] = (struct pollfd){.fd = slots[i].fd, .events = POLLIN};
				idx[n++] = i;
			}
		if (left <= 0 && n == 0)
			return;
		if (left < 0)
			left = 0;
		if (poll(p, (nfds_t)n, (int)(left + 0.999)) < 0 && errno != EINTR)
			return;
		for (int k = 0; k < n; k++)
			if (p[k].revents)
				on_readable(&slots[idx[k]]);
		if (now_ms() >= until)
			return;
	}
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	static const char prefix[] = "http://127.0.0.1:";
	long port = 0, total, ntokens = 0;
	double rate = 0, seconds = 0, t0;
	char *tokens[SLOTS * 1024], line[4096], body[256], *end = NULL;
	bool submit;
	FILE *f = NULL;

	if (argc >= 7 && strncmp(argv[1], prefix, sizeof prefix - 1) == 0) {
		port = strtol(argv[1] + sizeof prefix - 1, &end, 10);
		rate = strtod(argv[2], NULL);
		seconds = strtod(argv[3], NULL);
	}
	if (port <= 0 || port > 65535 || *end != '\0' || rate <= 0 || seconds <= 0 ||
	    (strcmp(argv[4], "submit") != 0 && strcmp(argv[4], "progress") != 0) ||
	    (f = fopen(argv[5], "r")) == NULL) {
		fprintf(stderr, "usage: writer http://127.0.0.1:PORT RATE SECONDS submit|progress "
		                "TOKENS PATH...\n");
		return 2;
	}
	submit = strcmp(argv[4], "submit") == 0;
	while (ntokens < (long)(sizeof tokens / sizeof *tokens) && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			tokens[ntokens++] = strdup(line);
		if (ntokens > 0 && tokens[ntokens - 1] == NULL) {
			ntokens--;   /* out of memory: the tokens read so far will do */
			break;
		}
	}
	(void)fclose(f);
	if (ntokens == 0)
		return 2;
	addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
	for (int i = 0; i < SLOTS; i++)
		slots[i].fd = -1;
	total = (long)(rate * seconds);
	took = calloc((size_t)total + 1, sizeof *took);
	if (took == NULL)
		return 1;

	t0 = now_ms();
	for (long n = 0; n < total; n++) {
		struct slot *s = NULL;

		wait_until(t0 + (double)n * 1000.0 / rate);
		for (int i = 0; i < SLOTS && s == NULL; i++)
			if (!slots[i].busy)
				s = &slots[i];
		if (s == NULL) {
			skipped++;
			continue;
		}
		if (submit)
			snprintf(body, sizeof body,
			         "{\"kind\":\"observation\",\"body\":\"Observación de carga mixta número %ld\"}", n);
		else
			snprintf(body, sizeof body,
			         "{\"progress\":%ld,\"note\":\"Avance de carga mixta número %ld\"}", 1 + n % 99, n);
		post(s, argv[6 + n % (argc - 6)], submit ? tokens[n % ntokens] : tokens[0], body);
	}
	/* The last answers, for at most 10 s. */
	for (double end = now_ms() + 10000; now_ms() < end;) {
		bool any = false;

		for (int i = 0; i < SLOTS; i++)
			any |= slots[i].busy;
		if (!any)
			break;
		wait_until(now_ms() + 50);
	}
	qsort(took, (size_t)ntook, sizeof *took, by_value);
	{
		double secs = (now_ms() - t0) / 1000.0;
		double p50 = ntook ? took[(long)(0.5 * (double)ntook)] : 0;
		double p99 = ntook ? took[ntook - 1 < (long)(0.99 * (double)ntook) ? ntook - 1
		                                                                  : (long)(0.99 * (double)ntook)]
		                   : 0;

		printf("WRITER {\"kind\":\"%s\",\"sent\":%ld,\"ok\":%ld,\"failed\":%ld,\"skipped\":%ld,"
		       "\"rate\":%.1f,\"p50_ms\":%.1f,\"p99_ms\":%.1f}\n",
		       argv[4], sent, ok, failed, skipped, (double)ok / secs, p50, p99);
	}
	return 0;
}
