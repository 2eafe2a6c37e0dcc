/* The HTTP listener: libmicrohttpd, its limits, and a clean stop. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/pdf.h"
#include "http/cache.h"
#include "http/deadline.h"
#include "http/listener.h"
#include "http/pipeline.h"
#include "notify/notify.h"
#include "http/router.h"
#include "http/wire.h"

#define DRAIN_SECONDS 10
#define TRIM_SECONDS 5

/* Each connection's thread allocates in one of glibc's arenas (up to 8 per core), and an
 * arena keeps what a burst of connections freed: make soak measured the replicas' RSS
 * floor rising with the most connections seen while the memory in use stayed flat
 * (README "Beyond one machine"). So: one arena per core (at least two), and every
 * TRIM_SECONDS, while waiting for a stop signal, the free pages go back to the system. */
static void
bound_arenas(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	/* Before any thread starts (server_run); 0 only for a bad value.
	 * NOLINTNEXTLINE(concurrency-mt-unsafe) */
	(void)mallopt(M_ARENA_MAX, cores > 2 ? (int)cores : 2);
}

static int
wait_for_stop(const sigset_t *sigs)
{
	const struct timespec interval = {.tv_sec = TRIM_SECONDS, .tv_nsec = 0};
	int sig;

	for (;;) {
		sig = sigtimedwait(sigs, NULL, &interval);
		if (sig > 0)
			return sig;
		if (errno == EAGAIN)
			(void)malloc_trim(0);   /* 1 if memory was released, 0 if none was */
	}
}

int
server_run(void)
{
	struct MHD_Daemon *d;
	struct sockaddr_in addr;
	sigset_t sigs;
	int sig;
	unsigned int flags;

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg.port);
	if (inet_pton(AF_INET, cfg.host, &addr.sin_addr) != 1) {
		fprintf(stderr, "rendicion: configuration error: HOST must be an IPv4 address\n");
		return 1;
	}
	/* Handle the stop signals in this thread only: block them before threads start. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	(void)signal(SIGPIPE, SIG_IGN);   /* fails only for an invalid signal number */

	bound_arenas();
	router_init();
	wire_init();   /* logs when the NUL check is off */
	json_object_seed(0);
	struct MHD_OptionItem ops[] = {
		{MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)listener_request_begin, NULL},
		{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)listener_request_end, NULL},
		{MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)deadline_connection, NULL},
		{MHD_OPTION_SOCK_ADDR, 0, &addr},
		/* An idle timeout (every byte resets it); the absolute deadlines for headers and
		 * body are http/deadline.c's. */
		{MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg.conn_timeout, NULL},
		{MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg.conn_limit, NULL},
		/* One client cannot take every connection (issue 17: 100 trickling sockets
		 * from one address held a MAX_CONNECTIONS of 100). */
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg.conn_per_address, NULL},
		{MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
		{MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)LISTENER_MEMORY_BYTES, NULL},
		{cfg.listener == LISTENER_POOL ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
		 (intptr_t)cfg.workers, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	/* Thread per connection by default: requests block on PostgreSQL, and a worker pool
	 * stalls every connection of a worker behind one slow query (make bench: up to 1.9×
	 * the p99, README "Performance"). LISTENER=pool switches for measurement. */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	flags |= cfg.listener == LISTENER_POOL ? MHD_USE_EPOLL
	                                       : (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL);
	if (deadline_start() != 0) {
		fprintf(stderr, "rendicion: cannot start the deadline thread\n");
		return 1;
	}
	d = MHD_start_daemon(flags, (uint16_t)cfg.port, NULL, NULL, listener_access, NULL,
	                     MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "rendicion: cannot listen on %s:%d\n", cfg.host, cfg.port);
		deadline_stop();
		return 1;
	}
	cache_start(cfg.listen_database_url);
	notify_start(cfg.listen_database_url);
	log_msg(LOG_INFO, "listening on http://%s:%d (%s, pool of %d database connections)",
	        cfg.host, cfg.port, cfg.listener == LISTENER_POOL ? "worker pool" : "thread per connection",
	        cfg.pool_size);
	sig = wait_for_stop(&sigs);
	log_msg(LOG_INFO, "signal %d: no new connections; finishing requests in flight", sig);
	/* Stop accepting, then let in-flight requests finish (bounded) before stopping. */
	MHD_quiesce_daemon(d);
	for (int i = 0; i < DRAIN_SECONDS * 100 && pipeline_in_flight() > 0; i++)
		usleep(10000);
	MHD_stop_daemon(d);
	deadline_stop();
	cache_stop();
	notify_stop();
	pdf_shutdown();
	log_msg(LOG_INFO, "stopped");
	return 0;
}
