/* Revocation of local accounts' tokens (README, "Security"): a token stops
 * working once its account's token generation moved past the token's "gen" claim (role,
 * unit, disabled flag or password changed), the account was deleted, or the token was
 * logged out. The state lives in PostgreSQL (migrations/011_security.sql); each process
 * keeps a copy in memory, refreshed at most every REVOKE_REFRESH_SECONDS and only read
 * again when its version changed, so a request does not wait for the database. */
#ifndef AUTH_REVOKE_H
#define AUTH_REVOKE_H

#include <stdbool.h>

#include "auth/token.h"

#define REVOKE_REFRESH_SECONDS 2

enum revoke_status { REVOKE_OK, REVOKE_REVOKED, REVOKE_UNKNOWN };

/* Checks a verified token (its text and claims) against the revocation state. Tokens of
 * an external identity provider (sub not "user:<id>") are only subject to logout.
 * REVOKE_UNKNOWN when the state was never read (database unavailable since the start). */
enum revoke_status revoke_check(const char *token, const struct claims *c);
/* The SHA-256 (hex, 65 bytes with the NUL) under which a logged-out token is kept. */
void revoke_token_hash(const char *token, char hex[65]);
/* Reads the state again at the next check (after this process logged a token out). */
void revoke_invalidate(void);

#endif
