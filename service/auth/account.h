/* Input rules of local accounts: the email (trimmed here, lower-cased by the database)
 * and new passwords. Pure: no I/O. */
#ifndef AUTH_ACCOUNT_H
#define AUTH_ACCOUNT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/validate.h"

#define ACCOUNT_EMAIL_MAX 254

/* Checks an email member (at pointer "/email"): a string that, trimmed of white space, is
 * a valid address of at most ACCOUNT_EMAIL_MAX bytes; copies the trimmed text into out
 * (ACCOUNT_EMAIL_MAX + 1 bytes). Otherwise adds an error to v and returns false. */
bool account_email(const json_t *val, char *out, struct verr *v);
/* Checks a new password member (at "/password"): a string of at least PASSWORD_MIN_CHARS
 * characters and at most PASSWORD_MAX_BYTES bytes. Otherwise adds an error to v. */
bool account_new_password(const json_t *val, struct verr *v);
/* The same rule on raw text: NULL when acceptable, else why not (English). */
const char *account_password_problem(const char *pw, size_t n);

/* For a PATCH of an account: the Argon2id hash of body's "password" into hash
 * (PASSWORD_HASH_MAX bytes; "" when body has none), and the JSON text of body without its
 * "password" and "current_password" members, so that a password never reaches the
 * database (nor its logs), only its hash. malloc'd; NULL when hashing or memory failed. */
char *account_patch_body(const json_t *body, char *hash);

/* What account_rules checks besides the fields. */
struct account_rules {
	char *email;        /* where the trimmed email goes (ACCOUNT_EMAIL_MAX + 1), or NULL */
	bool new_password;  /* a new password (the rules for new ones), or a login's (any text) */
	bool patch;         /* the body must change something */
};

/* The account rules on a body (a body_rule of http/call.h; arg is a struct account_rules):
 * the email when present, the password when present, a non-empty PATCH. Adds every error
 * to v; returns false if any. */
bool account_rules(const json_t *body, const void *arg, struct verr *v);

#endif
