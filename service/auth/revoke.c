/* The in-memory copy of the revocation state (auth/revoke.h). A check takes a read lock
 * and searches two sorted arrays; when the copy is older than REVOKE_REFRESH_SECONDS, the
 * one request that wins a try-lock asks the database whether the version changed (one
 * short statement) while the others go on with the copy they have. */
#include "auth/revoke.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "db/pool.h"

DB_STMT(db_security_snapshot, "SELECT security_snapshot($1::bigint)::text");

struct gen { int64_t id, gen; };

static struct {
	pthread_rwlock_t lock;      /* guards the arrays */
	pthread_mutex_t refresh;    /* one refresher at a time */
	bool loaded;
	long long version;
	struct gen *gens;
	size_t ngens;
	char (*revoked)[65];
	size_t nrevoked;
	atomic_llong checked_at;    /* CLOCK_MONOTONIC seconds of the last successful read */
	atomic_bool stale;
} st = {.lock = PTHREAD_RWLOCK_INITIALIZER, .refresh = PTHREAD_MUTEX_INITIALIZER};

static long long
mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec;
}

static int
gen_cmp(const void *a, const void *b)
{
	const struct gen *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int
hex_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Reads the state when it changed; false when the database did not answer. */
static bool
refresh(void)
{
	char known[24];
	const char *v[1] = {known};
	struct db_reply r;
	json_t *j, *gens, *rev, *x;
	struct gen *ng = NULL;
	char (*nr)[65] = NULL;
	size_t i, ngn = 0, nrn = 0;

	snprintf(known, sizeof known, "%lld", st.loaded ? st.version : -1LL);
	db_call(&db_security_snapshot, 1, v, &r);
	if (r.err != DB_OK) {
		db_reply_free(&r);
		return false;
	}
	j = json_loads(r.body, 0, NULL);
	db_reply_free(&r);
	if (!json_is_object(j))
		goto fail;
	gens = json_object_get(j, "gens");
	rev = json_object_get(j, "revoked");
	if (gens == NULL && st.loaded) {   /* unchanged */
		json_decref(j);
		return true;
	}
	if (!json_is_array(gens) || !json_is_array(rev))
		goto fail;
	ngn = json_array_size(gens);
	nrn = json_array_size(rev);
	ng = calloc(ngn + 1, sizeof *ng);
	nr = calloc(nrn + 1, sizeof *nr);
	if (ng == NULL || nr == NULL)
		goto fail;
	json_array_foreach(gens, i, x) {
		ng[i].id = json_integer_value(json_array_get(x, 0));
		ng[i].gen = json_integer_value(json_array_get(x, 1));
	}
	json_array_foreach(rev, i, x) {
		snprintf(nr[i], sizeof nr[i], "%s", json_string_value(x) ? json_string_value(x) : "");
	}
	qsort(ng, ngn, sizeof *ng, gen_cmp);
	qsort(nr, nrn, sizeof *nr, hex_cmp);
	pthread_rwlock_wrlock(&st.lock);
	free(st.gens);
	free(st.revoked);
	st.gens = ng;
	st.ngens = ngn;
	st.revoked = nr;
	st.nrevoked = nrn;
	st.version = json_integer_value(json_object_get(j, "n"));
	st.loaded = true;
	pthread_rwlock_unlock(&st.lock);
	json_decref(j);
	return true;
fail:
	free(ng);
	free(nr);
	json_decref(j);
	log_msg(LOG_ERROR, "revocation state: unreadable answer");
	return false;
}

/* Refreshes when due: without a copy every caller waits for one; with a copy only the
 * caller that wins the try-lock refreshes. */
static void
maybe_refresh(void)
{
	long long now = mono_now();
	bool loaded;

	pthread_rwlock_rdlock(&st.lock);
	loaded = st.loaded;
	pthread_rwlock_unlock(&st.lock);
	if (loaded && !atomic_load(&st.stale) &&
	    now - atomic_load(&st.checked_at) < REVOKE_REFRESH_SECONDS)
		return;
	if (loaded ? pthread_mutex_trylock(&st.refresh) != 0
	           : pthread_mutex_lock(&st.refresh) != 0)
		return;
	/* Another caller may have refreshed while this one waited for the lock. */
	if (!st.loaded || atomic_load(&st.stale) ||
	    mono_now() - atomic_load(&st.checked_at) >= REVOKE_REFRESH_SECONDS) {
		atomic_store(&st.stale, false);
		if (refresh())
			atomic_store(&st.checked_at, mono_now());
	}
	pthread_mutex_unlock(&st.refresh);
}

void
revoke_token_hash(const char *token, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, 65, h, sizeof h);
}

void
revoke_invalidate(void)
{
	atomic_store(&st.stale, true);
}

/* The account id of a local account's sub "user:<id>", else 0. */
static int64_t
local_id(const char *sub)
{
	char *end;
	long long id;

	if (strncmp(sub, "user:", 5) != 0 || sub[5] < '1' || sub[5] > '9')
		return 0;
	errno = 0;
	id = strtoll(sub + 5, &end, 10);
	return errno == 0 && *end == '\0' && id > 0 ? (int64_t)id : 0;
}

/* The check against the copy in memory; *ahead when the token carries a generation the
 * copy has not seen yet (the copy is older than the token's login). */
static enum revoke_status
lookup(const char *token, const struct claims *c, bool *ahead)
{
	struct gen key = {local_id(c->sub), 0}, *g;
	char hex[65];
	int64_t known;
	enum revoke_status res = REVOKE_OK;

	*ahead = false;
	pthread_rwlock_rdlock(&st.lock);
	if (!st.loaded) {
		res = REVOKE_UNKNOWN;
	} else {
		if (key.id > 0) {
			/* Accounts never changed (not listed) are at generation 0; deleted at -1. */
			g = bsearch(&key, st.gens, st.ngens, sizeof *st.gens, gen_cmp);
			known = g ? g->gen : 0;
			if (known >= 0 && c->gen > known)
				*ahead = true;
			if (known != c->gen)
				res = REVOKE_REVOKED;
		}
		if (res == REVOKE_OK && st.nrevoked > 0) {
			revoke_token_hash(token, hex);
			if (bsearch(hex, st.revoked, st.nrevoked, sizeof *st.revoked, hex_cmp))
				res = REVOKE_REVOKED;
		}
	}
	pthread_rwlock_unlock(&st.lock);
	return res;
}

enum revoke_status
revoke_check(const char *token, const struct claims *c)
{
	enum revoke_status res;
	bool ahead;

	maybe_refresh();
	res = lookup(token, c, &ahead);
	if (ahead) {
		/* Generations only grow: a token ahead of the copy was issued after it was read.
		 * Read it again now (its signature is verified, so only real logins cause this). */
		pthread_mutex_lock(&st.refresh);
		if (refresh())
			atomic_store(&st.checked_at, mono_now());
		pthread_mutex_unlock(&st.refresh);
		res = lookup(token, c, &ahead);
	}
	return res;
}
