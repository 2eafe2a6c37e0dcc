/* The response cache's listener: a thread on its own PostgreSQL connection that LISTENs
 * for 'rendicion_changes' and retires what each change can affect (core/change.c's rule),
 * and the sync that lets a write wait until the listener has heard every change committed
 * before it. While not connected nothing is cached; (re)connecting retires everything. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/log.h"
#include "http/cache.h"
#include "http/cache_table.h"

#define SYNC_MS 500    /* a write's wait for the listener; then everything is retired */

static struct {
	atomic_bool stop;
	int wake;                   /* eventfd: a write asks the listener for a sync */
	pthread_t thread;
	bool started;
	char *url;
} listener = {.wake = -1};

void
cache_sync(void)
{
	struct timespec until = cache_deadline(SYNC_MS);
	uint64_t want, one = 1;
	int rc = 0;

	pthread_mutex_lock(&cache.mu);
	/* Nothing kept nor being rendered: whatever is rendered next starts after the write. */
	if (!atomic_load(&cache.listening) || (cache.entries == 0 && cache.rendering == 0)) {
		pthread_mutex_unlock(&cache.mu);
		return;
	}
	want = ++cache.sync_asked;
	if (write(listener.wake, &one, sizeof one) != (ssize_t)sizeof one)
		rc = ETIMEDOUT;
	while (cache.sync_done < want && atomic_load(&cache.listening) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&cache.synced, &cache.mu, &until);
	if (cache.sync_done < want && atomic_load(&cache.listening)) {
		log_msg(LOG_WARN, "response cache: no word from the listener; retiring everything");
		cache_retire_locked(NULL);
	}
	pthread_mutex_unlock(&cache.mu);
}

/* The channel only this listener hears: a NOTIFY on it, sent after a write committed,
 * comes back after every notification of that write (delivered in commit order). */
static void
sync_channel(PGconn *pg, char *buf, size_t n)
{
	snprintf(buf, n, "rendicion_sync_%d", PQbackendPID(pg));
}

static PGconn *
listen_connect(void)
{
	PGconn *pg = PQconnectdb(listener.url);
	char channel[64], sql[128];
	PGresult *r;

	if (PQstatus(pg) != CONNECTION_OK) {
		PQfinish(pg);
		return NULL;
	}
	sync_channel(pg, channel, sizeof channel);
	snprintf(sql, sizeof sql, "LISTEN rendicion_changes; LISTEN %s", channel);
	r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		PQfinish(pg);
		return NULL;
	}
	PQclear(r);
	return pg;
}

/* Asks PostgreSQL for a notification on this listener's own channel, carrying the last
 * sync a write asked for; false if the connection failed. */
static bool
send_sync(PGconn *pg)
{
	char channel[64], sql[128];
	uint64_t n;
	PGresult *r;
	bool ok;

	if (read(listener.wake, &n, sizeof n) < 0)
		n = 0;  /* nothing pending (EAGAIN): a sync costs one round trip anyway */
	pthread_mutex_lock(&cache.mu);
	n = cache.sync_asked;
	pthread_mutex_unlock(&cache.mu);
	sync_channel(pg, channel, sizeof channel);
	snprintf(sql, sizeof sql, "NOTIFY %s, '%llu'", channel, (unsigned long long)n);
	r = PQexec(pg, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	return ok;
}

/* Applies what the connection has received, in order. */
static void
apply_notifications(PGconn *pg)
{
	char channel[64];
	PGnotify *n;

	sync_channel(pg, channel, sizeof channel);
	while ((n = PQnotifies(pg)) != NULL) {
		pthread_mutex_lock(&cache.mu);
		if (strcmp(n->relname, channel) == 0) {
			uint64_t done = strtoull(n->extra, NULL, 10);

			if (done > cache.sync_done)
				cache.sync_done = done;
			pthread_cond_broadcast(&cache.synced);
		} else {
			struct change ch = change_parse(n->extra);

			if (ch.public)
				cache_retire_locked(&ch);
		}
		pthread_mutex_unlock(&cache.mu);
		PQfreemem(n);
	}
}

/* The listener is (re)connected or lost: changes may have been missed, keep nothing. */
static void
set_listening(bool on)
{
	pthread_mutex_lock(&cache.mu);
	atomic_store(&cache.listening, on);
	cache_retire_locked(NULL);
	pthread_cond_broadcast(&cache.synced);
	pthread_mutex_unlock(&cache.mu);
}

static void *
listen_loop(void *unused)
{
	PGconn *pg = NULL;

	while (!atomic_load(&listener.stop)) {
		struct pollfd pfd[2];

		if (pg == NULL) {
			pg = listen_connect();
			if (pg == NULL) {
				/* nanosleep, not sleep: glibc's sleep is MT-Unsafe (SIGCHLD). */
				nanosleep(&(struct timespec){.tv_sec = 1}, NULL);
				continue;
			}
			set_listening(true);
			log_msg(LOG_INFO, "response cache: listening for changes");
		}
		pfd[0] = (struct pollfd){.fd = PQsocket(pg), .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = listener.wake, .events = POLLIN};
		if (poll(pfd, 2, 200) < 0)
			continue;
		if ((pfd[0].revents && !PQconsumeInput(pg)) ||
		    (pfd[1].revents && !send_sync(pg))) {
			log_msg(LOG_WARN, "response cache: lost its connection; caching paused");
			set_listening(false);
			PQfinish(pg);
			pg = NULL;
			continue;
		}
		apply_notifications(pg);
	}
	set_listening(false);
	if (pg)
		PQfinish(pg);
	return NULL;
}

void
cache_start(const char *url)
{
	listener.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	listener.url = strdup(url);
	if (listener.wake >= 0 && listener.url &&
	    pthread_create(&listener.thread, NULL, listen_loop, NULL) == 0)
		listener.started = true;
}

void
cache_stop(void)
{
	if (listener.started) {
		atomic_store(&listener.stop, true);
		pthread_join(listener.thread, NULL);
		listener.started = false;
	}
	pthread_mutex_lock(&cache.mu);
	cache_retire_locked(NULL);
	pthread_mutex_unlock(&cache.mu);
	if (listener.wake >= 0)
		close(listener.wake);
	listener.wake = -1;
	free(listener.url);
	listener.url = NULL;
}
