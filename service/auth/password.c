/* Argon2id at t=2, m=19 MiB (OWASP's recommended floor): strong, yet a handful of
 * concurrent logins fit in a small container. At most MAX_AT_ONCE hashes run at a time,
 * so a burst of logins queues instead of taking 19 MiB per request thread. */
#include "auth/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define OPS 2
#define MEM ((size_t)19 * 1024 * 1024)
#define MAX_AT_ONCE 4

static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;
} gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static void
gate_enter(void)
{
	pthread_mutex_lock(&gate.mu);
	while (gate.running >= MAX_AT_ONCE)
		pthread_cond_wait(&gate.cv, &gate.mu);
	gate.running++;
	pthread_mutex_unlock(&gate.mu);
}

static void
gate_leave(void)
{
	pthread_mutex_lock(&gate.mu);
	gate.running--;
	pthread_cond_signal(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
}

static void
make_dummy(void)
{
	if (crypto_pwhash_str_alg(dummy, "not a password of anyone", 24, OPS, MEM,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		dummy[0] = '\0';
}

bool
password_hash(const char *password, char *out)
{
	int rc;

	_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer too small");
	gate_enter();
	rc = crypto_pwhash_str_alg(out, password, strlen(password), OPS, MEM,
	                           crypto_pwhash_ALG_ARGON2ID13);
	gate_leave();
	return rc == 0;
}

bool
password_verify(const char *hash, const char *password)
{
	bool known = hash != NULL && strncmp(hash, "$argon2id$", 10) == 0;
	bool ok;

	/* An unknown account costs the same Argon2id run as a known one (and the dummy is
	 * made on the first call of either kind, so not even that call tells them apart). */
	pthread_once(&dummy_once, make_dummy);
	if (!known)
		hash = dummy;
	gate_enter();
	ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	gate_leave();
	return known && ok;
}
