/* Absolute deadlines per connection: a watchdog thread shuts down the socket of a
 * connection past its deadline, and libmicrohttpd then closes it as a client that left.
 * The table is kept under one mutex, and MHD reports a connection closed before it
 * closes its socket, so a descriptor shut down here is always still that connection's. */
#include "http/deadline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"

#define TICK_MS 250

struct watched {
	struct watched *prev, *next;
	int fd;
	long long due_ms;   /* CLOCK_MONOTONIC milliseconds; 0: none */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct watched ring = {&ring, &ring, -1, 0};
static pthread_t watchdog;
static atomic_bool stopping;
static bool running;

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void
deadline_connection(void *cls, struct MHD_Connection *con, void **socket_context,
                    enum MHD_ConnectionNotificationCode code)
{
	struct watched *w = *socket_context;
	const union MHD_ConnectionInfo *info;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (w == NULL)
			return;
		pthread_mutex_lock(&mu);
		w->prev->next = w->next;
		w->next->prev = w->prev;
		pthread_mutex_unlock(&mu);
		free(w);
		*socket_context = NULL;
		return;
	}
	info = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
	w = calloc(1, sizeof *w);
	if (w == NULL || info == NULL) {
		free(w);   /* unwatched: MHD's idle timeout still applies */
		return;
	}
	w->fd = info->connect_fd;
	/* A new connection has the header allowance for its first request line too. */
	w->due_ms = now_ms() + (long long)cfg.header_timeout * 1000;
	pthread_mutex_lock(&mu);
	w->next = ring.next;
	w->prev = &ring;
	ring.next->prev = w;
	ring.next = w;
	pthread_mutex_unlock(&mu);
	*socket_context = w;
}

static void
set_due(struct MHD_Connection *con, int seconds)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watched *w = info ? info->socket_context : NULL;

	if (w == NULL)
		return;
	pthread_mutex_lock(&mu);
	w->due_ms = seconds > 0 ? now_ms() + (long long)seconds * 1000 : 0;
	pthread_mutex_unlock(&mu);
}

void
deadline_request(struct MHD_Connection *con)
{
	set_due(con, cfg.header_timeout);
}

void
deadline_body(struct MHD_Connection *con)
{
	set_due(con, cfg.body_timeout);
}

void
deadline_clear(struct MHD_Connection *con)
{
	set_due(con, 0);
}

void
deadline_idle(struct MHD_Connection *con)
{
	set_due(con, cfg.conn_timeout);
}

static void *
watch(void *unused)
{
	const struct timespec tick = {0, TICK_MS * 1000000L};

	while (!atomic_load(&stopping)) {
		long long now = now_ms();
		int closed = 0;

		pthread_mutex_lock(&mu);
		for (struct watched *w = ring.next; w != &ring; w = w->next) {
			if (w->due_ms == 0 || w->due_ms > now)
				continue;
			/* MHD sees end of file and closes the connection, in its own thread. */
			(void)shutdown(w->fd, SHUT_RDWR);
			w->due_ms = 0;
			closed++;
		}
		pthread_mutex_unlock(&mu);
		if (closed > 0)
			log_msg(LOG_INFO, "closed %d connection(s) past their deadline", closed);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

int
deadline_start(void)
{
	atomic_store(&stopping, false);
	if (pthread_create(&watchdog, NULL, watch, NULL) != 0)
		return -1;
	running = true;
	return 0;
}

void
deadline_stop(void)
{
	if (!running)
		return;
	atomic_store(&stopping, true);
	pthread_join(watchdog, NULL);
	running = false;
}
