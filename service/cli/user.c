/* rendicion user add --email E --role R [--unit-id N] [--name N]: creates a local account
 * with the password read from standard input (its first line), so it never appears in a
 * process list or a shell history. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth/account.h"
#include "auth/password.h"
#include "auth/token.h"
#include "cli/cli.h"
#include "core/config.h"
#include "core/limits.h"
#include "db/users.h"
#include "http/reasons.h"

static int
usage(void)
{
	fprintf(stderr, "usage: rendicion user add --email E --role R [--unit-id N] [--name N]"
	                " < password\n");
	return 2;
}

/* Reads the first line of stdin (without its line end) into pw (PASSWORD_MAX_BYTES + 2);
 * on a terminal it asks for it without echoing it. */
static bool
read_password(char *pw, size_t *n)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	char *got;
	size_t len;

	if (tty) {
		fprintf(stderr, "Password: ");
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	got = fgets(pw, PASSWORD_MAX_BYTES + 2, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (got == NULL)
		return false;
	len = strlen(pw);
	if (len > 0 && pw[len - 1] == '\n')
		pw[--len] = '\0';
	else if (len > PASSWORD_MAX_BYTES)
		len++; /* the line goes on: too long */
	if (len > 0 && len <= PASSWORD_MAX_BYTES && pw[len - 1] == '\r')
		pw[--len] = '\0';
	*n = len;
	return true;
}

int
cli_user(int argc, char **argv)
{
	const char *email_arg = NULL, *role = NULL, *name = "", *why;
	char email[ACCOUNT_EMAIL_MAX + 1], pw[PASSWORD_MAX_BYTES + 2], hash[PASSWORD_HASH_MAX];
	char unit[INT_TEXT_MAX] = "";
	long long unit_id = 0;
	const struct cli_option opts[] = {
		{"--email", &email_arg, NULL, 0, 0},
		{"--role", &role, NULL, 0, 0},
		{"--name", &name, NULL, 0, 0},
		{"--unit-id", NULL, &unit_id, 1, ID_MAX},
		{NULL, NULL, NULL, 0, 0},
	};
	size_t pw_len = 0;
	struct db_reply r;
	struct verr v;
	json_t *e;
	bool ok;
	int rc = 1;

	if (!cli_options(argc, argv, opts))
		return usage();
	if (email_arg == NULL || role == NULL)
		return usage();
	if (!cli_role_ok(role, unit_id))
		return 2;
	if (strlen(name) > 800 || utf8_trimmed_len(name) > 200 ||
	    !utf8_text_ok(name, strlen(name)) || utf8_has_bidi_control(name, strlen(name))) {
		fprintf(stderr, "rendicion: --name must be text of at most 200 characters, "
		        "without bidirectional control characters\n");
		return 2;
	}
	verr_init(&v);
	e = json_string(email_arg);
	ok = e != NULL && account_email(e, email, &v);
	json_decref(e);
	verr_free(&v);
	if (!ok) {
		fprintf(stderr, "rendicion: --email is not a valid email address\n");
		return 2;
	}
	if (!cli_setup(NEED_DB, 1))
		return 1;
	if (!read_password(pw, &pw_len)) {
		fprintf(stderr, "rendicion: the password must be given on standard input\n");
		return 2;
	}
	why = account_password_problem(pw, pw_len);
	if (why) {
		fprintf(stderr, "rendicion: the password %s\n", why);
		sodium_memzero(pw, sizeof pw);
		return 2;
	}
	ok = password_hash(pw, hash);
	sodium_memzero(pw, sizeof pw);
	if (!ok) {
		fprintf(stderr, "rendicion: cannot hash the password (out of memory)\n");
		return 1;
	}
	if (unit_id > 0)
		snprintf(unit, sizeof unit, "%lld", unit_id);
	/* The actor of the audit log is the command line. */
	db_call(&db_user_create, 7, (const char *[]){"cli", "system", email, name, role,
	        unit_id > 0 ? unit : NULL, hash}, &r);
	if (r.err == DB_OK) {
		printf("%s\n", r.body);
		rc = 0;
	} else if (r.err == DB_UNAVAILABLE) {
		fprintf(stderr, "rendicion: the database is unavailable\n");
	} else {
		const struct reason *known = reason_from_db(r.reason);

		fprintf(stderr, "rendicion: cannot create the account: %s\n",
		        known ? known->en : r.reason);
	}
	db_reply_free(&r);
	return rc;
}
