/* Configuration from the environment, read once at start. */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum jwt_algo { ALG_HS256, ALG_RS256, ALG_ES256 };
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum listener { LISTENER_THREADS, LISTENER_POOL };
/* What DATABASE_URL reaches: PostgreSQL or a session pooler, or a transaction pooler
 * (PgBouncer pool_mode=transaction), where no state may outlive a transaction. */
enum pool_mode { POOL_SESSION, POOL_TRANSACTION };

struct config {
	const char *database_url;
	const char *listen_database_url;   /* LISTEN sessions (cache, outbox); DATABASE_URL unless set */
	enum pool_mode db_pool_mode;
	const char *host;
	int port;
	enum jwt_algo jwt_alg;
	unsigned char *jwt_key;        /* secret or public key PEM; owned */
	size_t jwt_key_len;
	unsigned char *jwt_sign_key;   /* secret or private key PEM, NULL if only verifying */
	size_t jwt_sign_key_len;
	const char *jwt_issuer;
	const char *jwt_audience;
	long jwt_leeway;           /* seconds of clock skew tolerated on exp, nbf and iat */
	long token_ttl;
	long jwt_max_lifetime;     /* seconds from iat (or now) to exp a token may claim */
	int pool_size;
	size_t max_body;
	enum log_level log_level;
	enum listener listener;
	int workers;                   /* listener threads in pool mode */
	int conn_timeout;              /* seconds an idle connection is kept */
	int conn_limit;
	int regs_per_hour;             /* registrations per client address and hour */
	int conn_per_address;          /* connections one client address may hold */
	int header_timeout;            /* seconds a request has for its line and headers */
	int body_timeout;              /* seconds it then has for its body */
	const char *metrics_token;     /* GET /metrics needs it as a Bearer token; "" open */
	int obs_per_hour;              /* a citizen's submissions per hour */
	int answer_days;               /* days to answer an online observation (answer_due) */
	const char *cors_origins;      /* comma-separated allow-list, "" for none */
	const char *trusted_proxies;   /* comma-separated addresses whose X-Real-IP is believed */
	const char *time_zone;         /* the administration's IANA zone: what "today" is */
	/* Mail and webhooks (service/notify/). */
	const char *smtp_url;          /* smtp:// or smtps:// with optional credentials; NULL: no mail */
	const char *mail_from;         /* From: of every mail (required with smtp_url) */
	const char *public_base_url;   /* the portal's address in mail links, no trailing '/' */
	bool webhook_allow_private;    /* deliver to loopback, private, link-local addresses */
	int outbox_max_attempts;       /* attempts before a message is dead */
};

/* What a command needs from the environment. */
enum {
	NEED_DB = 1,
	NEED_JWT = 2,
	NEED_SIGNING = 4,
	NEED_HTTP = 8,
};

extern struct config cfg;

/* Fills cfg from the environment; on a bad or missing value prints one line naming the
 * variable to stderr and returns false. */
bool config_load(int needs);

#endif
