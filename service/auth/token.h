/* Access tokens: verification of every claim the contract names, and issuing. */
#ifndef AUTH_TOKEN_H
#define AUTH_TOKEN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum role { ROLE_PUBLIC = 0, ROLE_CIUDADANOS, ROLE_DIRECTORES, ROLE_ADMIN, ROLE_OTHER };

struct claims {
	enum role role;       /* ROLE_PUBLIC without a token; ROLE_OTHER for an unknown role */
	char sub[256];
	char role_name[32];
	int64_t unit_id;      /* directors only, else 0 */
	int64_t gen;          /* the account's token generation ("gen", 0 when absent) */
	int64_t exp;          /* the exp claim */
	char *json;           /* the verified claims as JSON text, owned (NULL when public) */
};

enum token_status { TOKEN_OK, TOKEN_INVALID };

/* Maps a role name to its enum (ROLE_OTHER when unknown). */
enum role role_from_name(const char *name);
/* Returns the contract's name of a role ("" for the public). */
const char *role_name(enum role r);

/* Verifies a compact JWT against the configured key, algorithm, issuer and audience at
 * time now; fills out (caller frees with claims_free) and returns TOKEN_OK, or returns
 * TOKEN_INVALID leaving out public. */
enum token_status token_verify(const char *token, time_t now, struct claims *out);
/* Forgets every cached verification (RS256/ES256 tokens are cached; HS256 ones never). */
void token_cache_clear(void);
/* Cache hits and misses since the start or the last token_cache_clear (either may be NULL). */
void token_cache_stats(unsigned long long *hits, unsigned long long *misses);
/* Releases what token_verify allocated. */
void claims_free(struct claims *c);
/* Returns a new signed token (caller frees) for sub/role, or NULL on failure. */
char *token_issue(const char *sub, const char *role, int64_t unit_id, long ttl, time_t now);
/* The same for a local account at token generation gen (auth/revoke.h). */
char *token_issue_gen(const char *sub, const char *role, int64_t unit_id, int64_t gen,
                      long ttl, time_t now);

#endif
