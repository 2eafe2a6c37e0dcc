/* Reads the environment into cfg; every bad value is reported by its variable name. */
#include "core/config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct config cfg;

static bool
fail(const char *var, const char *why)
{
	fprintf(stderr, "rendicion: configuration error: %s %s\n", var, why);
	return false;
}

static const char *
env_or(const char *var, const char *def)
{
	const char *v = getenv(var);

	return (v && *v) ? v : def;
}

static bool
env_long(const char *var, long def, long min, long max, long *out)
{
	const char *v = getenv(var);
	char *end;
	long n;

	if (v == NULL || *v == '\0') {
		*out = def;
		return true;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < min || n > max) {
		char why[96];

		snprintf(why, sizeof why, "must be an integer from %ld to %ld", min, max);
		return fail(var, why);
	}
	*out = n;
	return true;
}

/* An integer setting kept in an int of cfg. */
struct int_setting {
	const char *var;
	long def, min, max;
	int *out;
};

/* Reads the n settings of s in order; false at the first bad one. */
static bool
env_ints(const struct int_setting *s, size_t n)
{
	long v;

	for (size_t i = 0; i < n; i++) {
		if (!env_long(s[i].var, s[i].def, s[i].min, s[i].max, &v))
			return false;
		*s[i].out = (int)v;
	}
	return true;
}

/* The position in names (n of them, in the order of their enum) of var's value, or of def
 * when var is unset. */
static bool
env_choice(const char *var, const char *def, const char *const *names, int n, int *out)
{
	const char *v = env_or(var, def);
	char why[128] = "must be ";

	for (int i = 0; i < n; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(why);

		snprintf(why + len, sizeof why - len, "%s%s", names[i],
		         i == n - 1 ? "" : i == n - 2 ? " or " : ", ");
	}
	return fail(var, why);
}

static bool
read_file(const char *var, const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long n;

	if (f == NULL)
		return fail(var, "names a file that cannot be read");
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || n > 65536 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		(void)fclose(f);
		return fail(var, "names a file that is empty or too large for a key");
	}
	p = malloc((size_t)n + 1);
	if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		(void)fclose(f);
		return fail(var, "names a file that cannot be read");
	}
	(void)fclose(f);   /* read only: nothing is lost if closing fails */
	p[n] = '\0';
	*data = p;
	*len = (size_t)n;
	return true;
}

/* The key type is read from the PEM header: RSA keys sign RS256, EC keys ES256. */
static enum jwt_algo
pem_alg(const unsigned char *pem)
{
	const char *s = (const char *)pem;

	if (strstr(s, "EC PRIVATE KEY"))
		return ALG_ES256;
	if (strstr(s, "BEGIN PUBLIC KEY") || strstr(s, "BEGIN PRIVATE KEY")) {
		/* PKCS#8 / SPKI: an EC key's base64 starts with the id-ecPublicKey OID. */
		if (strstr(s, "MFkwEwYHKoZIzj0CAQ") || strstr(s, "MIGHAgEAMBMGByqGSM49AgE"))
			return ALG_ES256;
	}
	return ALG_RS256;
}

static bool
load_jwt(int needs)
{
	const char *secret = getenv("JWT_SECRET");
	const char *pub = getenv("JWT_PUBLIC_KEY_FILE");
	const char *priv = getenv("JWT_PRIVATE_KEY_FILE");
	bool has_secret = secret && *secret;
	bool has_keys = (pub && *pub) || (priv && *priv);

	if (has_secret && has_keys)
		return fail("JWT_SECRET", "must not be set together with JWT_PUBLIC_KEY_FILE/JWT_PRIVATE_KEY_FILE");
	if (!has_secret && !has_keys)
		return fail("JWT_SECRET", "is required (or JWT_PUBLIC_KEY_FILE)");
	if (has_secret) {
		size_t n = strlen(secret);

		if (n < 32)
			return fail("JWT_SECRET", "must be at least 32 bytes");
		cfg.jwt_alg = ALG_HS256;
		cfg.jwt_key = (unsigned char *)strdup(secret);
		cfg.jwt_sign_key = cfg.jwt_key;
		cfg.jwt_key_len = cfg.jwt_sign_key_len = n;
		return cfg.jwt_key != NULL;
	}
	if (!(pub && *pub))
		return fail("JWT_PUBLIC_KEY_FILE", "is required when JWT_PRIVATE_KEY_FILE is set");
	if (!read_file("JWT_PUBLIC_KEY_FILE", pub, &cfg.jwt_key, &cfg.jwt_key_len))
		return false;
	cfg.jwt_alg = pem_alg(cfg.jwt_key);
	if (priv && *priv) {
		if (!read_file("JWT_PRIVATE_KEY_FILE", priv, &cfg.jwt_sign_key, &cfg.jwt_sign_key_len))
			return false;
		if (pem_alg(cfg.jwt_sign_key) != cfg.jwt_alg)
			return fail("JWT_PRIVATE_KEY_FILE", "is not the same kind of key as JWT_PUBLIC_KEY_FILE");
	} else if (needs & NEED_SIGNING) {
		return fail("JWT_PRIVATE_KEY_FILE", "is required to issue tokens");
	}
	return true;
}

/* An IANA zone name this machine's time zone database holds (TZDIR, else
 * /usr/share/zoneinfo, where both glibc and Debian's PostgreSQL read it): a name glibc
 * does not find would silently mean UTC. Only letters, digits and "_+-/", so that it goes
 * into the database sessions' options as it is. */
static bool
zone_ok(const char *name)
{
	const char *dir = env_or("TZDIR", "/usr/share/zoneinfo");
	char path[512], magic[4];
	FILE *f;
	size_t n;

	if (*name == '/' || strstr(name, "..") || strlen(name) > 64 ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") !=
	    strlen(name))
		return false;
	n = (size_t)snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n >= sizeof path)
		return false;
	f = fopen(path, "rb");
	if (f == NULL)
		return false;
	n = fread(magic, 1, sizeof magic, f);
	(void)fclose(f);   /* read only */
	return n == sizeof magic && memcmp(magic, "TZif", 4) == 0;
}

/* A header value: no line breaks (they would start another header of the mail). */
static bool
one_line(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

/* SMTP_URL, MAIL_FROM, PUBLIC_BASE_URL, WEBHOOK_ALLOW_PRIVATE
 * (README, "Mail and webhooks"). Without SMTP_URL no mail is sent and accounts work at
 * once. */
static bool
load_notify(void)
{
	static char base[2048];
	const char *v;
	size_t n;
	long l;

	cfg.smtp_url = env_or("SMTP_URL", NULL);
	if (cfg.smtp_url && ((strncmp(cfg.smtp_url, "smtp://", 7) != 0 &&
	                      strncmp(cfg.smtp_url, "smtps://", 8) != 0) || !one_line(cfg.smtp_url)))
		return fail("SMTP_URL", "must be an smtp:// or smtps:// URL");
	cfg.mail_from = env_or("MAIL_FROM", NULL);
	if (cfg.smtp_url && cfg.mail_from == NULL)
		return fail("MAIL_FROM", "is required with SMTP_URL");
	if (cfg.mail_from && (strchr(cfg.mail_from, '@') == NULL || !one_line(cfg.mail_from) ||
	                      strlen(cfg.mail_from) > 254))
		return fail("MAIL_FROM", "must be an email address, optionally as Name <address>");
	v = env_or("PUBLIC_BASE_URL", NULL);
	if (v == NULL)
		snprintf(base, sizeof base, "http://%s:%d", cfg.host, cfg.port);
	else if ((strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) ||
	         strpbrk(v, " \t\r\n\"<>?#") != NULL || strlen(v) >= sizeof base)
		return fail("PUBLIC_BASE_URL", "must be an http:// or https:// URL without query");
	else
		snprintf(base, sizeof base, "%s", v);
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	cfg.public_base_url = base;
	if (!env_long("WEBHOOK_ALLOW_PRIVATE", 0, 0, 1, &l))
		return false;
	cfg.webhook_allow_private = l == 1;
	return true;
}

/* A comma-separated list of IP addresses (or empty). */
static bool
addresses_ok(const char *list)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char one[INET6_ADDRSTRLEN];

	while (*list) {
		size_t n = strcspn(list, ",");

		if (n == 0 || n >= sizeof one)
			return false;
		memcpy(one, list, n);
		one[n] = '\0';
		if ((inet_pton(AF_INET, one, bin) != 1 && inet_pton(AF_INET6, one, bin) != 1) ||
		    (list[n] == ',' && list[n + 1] == '\0'))
			return false;
		list += n + (list[n] == ',');
	}
	return true;
}

bool
config_load(int needs)
{
	const long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const struct int_setting ints[] = {
		{"PORT", 8080, 1, 65535, &cfg.port},
		/* Each connection costs PostgreSQL a process; measured (make bench, 2 cores),
		 * cores + 1 beat 2 × cores + 2 by 16-23%: fewer backends spend less CPU per query. */
		{"DB_POOL_SIZE", cores + 1, 1, 500, &cfg.pool_size},
		{"WORKERS", cores * 2, 1, 256, &cfg.workers},
		{"CONNECTION_TIMEOUT_SECONDS", 30, 1, 3600, &cfg.conn_timeout},
		{"MAX_CONNECTIONS", 1000, 4, 100000, &cfg.conn_limit},
		{"REGISTRATIONS_PER_HOUR", 10, 1, 1000000, &cfg.regs_per_hour},
		{"MAX_CONNECTIONS_PER_ADDRESS", 64, 1, 100000, &cfg.conn_per_address},
		/* Absolute deadlines a trickling client cannot reset (issue 17, http/deadline.c). */
		{"HEADER_TIMEOUT_SECONDS", 10, 1, 600, &cfg.header_timeout},
		{"BODY_TIMEOUT_SECONDS", 60, 1, 3600, &cfg.body_timeout},
		{"OBSERVATIONS_PER_HOUR", 20, 1, 100000, &cfg.obs_per_hour},
		{"ANSWER_DAYS", 15, 1, 3650, &cfg.answer_days},
		{"OUTBOX_MAX_ATTEMPTS", 20, 1, 100, &cfg.outbox_max_attempts},
	};
	static const char *const pool_modes[] = {"session", "transaction"};
	static const char *const levels[] = {"debug", "info", "warn", "error"};
	static const char *const listeners[] = {"threads", "pool"};
	int choice;
	long n;

	if (!env_ints(ints, sizeof ints / sizeof ints[0]))
		return false;
	cfg.database_url = env_or("DATABASE_URL", NULL);
	if ((needs & NEED_DB) && cfg.database_url == NULL)
		return fail("DATABASE_URL", "is required");
	/* The response cache's LISTEN needs a session of its own: behind a transaction pooler
	 * (PgBouncer) it goes to PostgreSQL directly (README, Beyond one machine). */
	cfg.listen_database_url = env_or("LISTEN_DATABASE_URL", cfg.database_url);
	if (!env_choice("DB_POOL_MODE", "session", pool_modes, 2, &choice))
		return false;
	cfg.db_pool_mode = (enum pool_mode)choice;
	cfg.host = env_or("HOST", "127.0.0.1");
	cfg.jwt_issuer = env_or("JWT_ISSUER", "rendicion");
	cfg.jwt_audience = env_or("JWT_AUDIENCE", "rendicion-api");
	if (!env_long("TOKEN_TTL_SECONDS", 3600, 60, 31L * 86400, &cfg.token_ttl))
		return false;
	/* A few seconds cover NTP-synchronised clocks; an identity provider on a worse clock
	 * may need more, never over a minute. */
	if (!env_long("JWT_LEEWAY_SECONDS", 5, 0, 60, &cfg.jwt_leeway))
		return false;
	/* Issue 17: a token good until the year 9999 was accepted. */
	if (!env_long("JWT_MAX_LIFETIME_SECONDS", 86400, 60, 366L * 86400, &cfg.jwt_max_lifetime))
		return false;
	if (cfg.jwt_max_lifetime < cfg.token_ttl)
		return fail("JWT_MAX_LIFETIME_SECONDS", "must be at least TOKEN_TTL_SECONDS");
	if ((needs & (NEED_JWT | NEED_SIGNING)) && !load_jwt(needs))
		return false;
	if (!env_long("MAX_BODY_BYTES", 1048576, 1024, 64L * 1048576, &n))
		return false;
	cfg.max_body = (size_t)n;
	if (!env_choice("LOG_LEVEL", "info", levels, 4, &choice))
		return false;
	cfg.log_level = (enum log_level)choice;
	if (!env_choice("LISTENER", "threads", listeners, 2, &choice))
		return false;
	cfg.listener = (enum listener)choice;
	cfg.metrics_token = env_or("METRICS_TOKEN", "");
	cfg.cors_origins = env_or("CORS_ORIGINS", "");
	if (!load_notify())
		return false;
	/* Proxies whose X-Real-IP names the client (README, Beyond one machine). */
	cfg.trusted_proxies = env_or("TRUSTED_PROXIES", "");
	if (!addresses_ok(cfg.trusted_proxies))
		return fail("TRUSTED_PROXIES", "must be comma-separated IPv4 or IPv6 addresses");
	/* The administration's day decides overdue flags and compliance's default as_of, in
	 * the database sessions (db/pool.c) and in the response cache's day (http/cache.c). */
	cfg.time_zone = env_or("TIME_ZONE", "America/Guayaquil");
	if (!zone_ok(cfg.time_zone))
		return fail("TIME_ZONE", "must be an IANA time zone name, such as America/Guayaquil");
	/* config_load runs before any thread starts. NOLINTNEXTLINE(concurrency-mt-unsafe) */
	if (setenv("TZ", cfg.time_zone, 1) != 0)
		return fail("TIME_ZONE", "cannot be set (out of memory)");
	tzset();
	return true;
}
