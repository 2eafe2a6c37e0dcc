/* Argon2id at t=2, m=19 MiB (OWASP's recommended floor): strong, yet a handful of
 * concurrent logins fit in a small container. */
#include "auth/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define OPS 2
#define MEM (19u * 1024 * 1024)

static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
	if (crypto_pwhash_str(dummy, "not a password of anyone", 24, OPS, MEM) != 0)
		dummy[0] = '\0';
}

bool
password_hash(const char *password, char *out)
{
	_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer too small");
	return crypto_pwhash_str_alg(out, password, strlen(password), OPS, MEM,
	                             crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool
password_verify(const char *hash, const char *password)
{
	if (hash == NULL || strncmp(hash, "$argon2id$", 10) != 0) {
		pthread_once(&dummy_once, make_dummy);
		if (crypto_pwhash_str_verify(dummy, password, strlen(password)) == 0)
			return false; /* cannot happen: the dummy matches no password */
		return false;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
