/* /api/v1/webhooks…: subscriptions of other systems to the service's events
 * (administradora). A subscription's secret is made here and shown once, in the answer
 * that creates it; deliveries come from the outbox (service/notify/). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/address.h"
#include "core/config.h"
#include "db/webhooks.h"
#include "http/router.h"

static const char *const events[] = {"observation.answered", "progress.reported",
                                     "plan.approved", "plan.amended", "plan.closed", NULL};

static const struct field webhook_fields[] = {
	{"url", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"events", F_ANY, F_REQUIRED, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

static bool
known_event(const char *s)
{
	for (size_t i = 0; s && events[i]; i++)
		if (strcmp(s, events[i]) == 0)
			return true;
	return false;
}

/* url: an http(s) URL as evidence URLs are (no user-info, no internal address literal
 * unless WEBHOOK_ALLOW_PRIVATE; names are checked again once resolved, at delivery);
 * events: 1 to 5 of the known names. */
static bool
webhook_rules(const json_t *body, const void *unused, struct verr *v)
{
	const json_t *url = json_object_get(body, "url"), *ev = json_object_get(body, "events");
	bool ok = true;
	size_t i;
	json_t *e;

	(void)unused;
	if (url && (!json_is_string(url) || json_string_length(url) > 2000 ||
	            !url_ok(json_string_value(url), cfg.webhook_allow_private))) {
		verr_add(v, "/url", "debe ser una URL http o https pública, sin usuario",
		         "must be a public http or https URL without user-info");
		ok = false;
	}
	if (ev && (!json_is_array(ev) || json_array_size(ev) < 1 || json_array_size(ev) > 5)) {
		verr_add(v, "/events", "debe ser una lista de 1 a 5 eventos",
		         "must be a list of 1 to 5 events");
		return false;
	}
	json_array_foreach(ev, i, e) {
		char at[32];

		if (!known_event(json_string_value(e))) {
			snprintf(at, sizeof at, "/events/%zu", i);
			verr_add(v, at, "debe ser observation.answered, progress.reported, "
			                "plan.approved, plan.amended o plan.closed",
			         "must be observation.answered, progress.reported, plan.approved, "
			         "plan.amended or plan.closed");
			ok = false;
		}
	}
	return ok;
}

/* POST /api/v1/webhooks {url, events}: 201 with the secret ("whsec_" + base64 of 32
 * random bytes), the only time it is shown. */
static void
webhook_create(struct call *c)
{
	unsigned char key[32];
	char secret[6 + sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	struct db_reply r;

	if (!body_checked(c, webhook_fields, webhook_rules, NULL, false))
		return;
	randombytes_buf(key, sizeof key);
	snprintf(secret, sizeof secret, "whsec_");
	sodium_bin2base64(secret + 6, sizeof secret - 6, key, sizeof key,
	                  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(key, sizeof key);
	db_call(&db_webhook_create, 4, (const char *[]){c->actor.sub, c->actor.role,
	        c->body_text, secret}, &r);
	sodium_memzero(secret, sizeof secret);
	route_answer(c, &r);
}

const struct route webhook_routes[] = {
	{.method = "GET", .pattern = "/api/v1/webhooks", .action = ACT_WEBHOOK_ADMIN,
	 .paged = true, .stmt = &db_webhook_list, .args = {A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST},
	{.method = "POST", .pattern = "/api/v1/webhooks", .action = ACT_WEBHOOK_ADMIN,
	 .handler = webhook_create, .answer = ANSWER_CREATED, .location = "/api/v1/webhooks"},
	/* Where 201 points to (never the secret). */
	{.method = "GET", .pattern = "/api/v1/webhooks/:id", .action = ACT_WEBHOOK_ADMIN,
	 .stmt = &db_webhook_get, .args = {A_ID}, .answer = ANSWER_ONE,
	 .missing = R_webhook_not_found},
	{.method = "DELETE", .pattern = "/api/v1/webhooks/:id", .action = ACT_WEBHOOK_ADMIN,
	 .stmt = &db_webhook_delete, .args = {A_SUB, A_ROLE, A_ID}, .answer = ANSWER_EMPTY,
	 .missing = R_webhook_not_found},
	/* Each event sent or to send to the subscription, with every attempt. */
	{.method = "GET", .pattern = "/api/v1/webhooks/:id/deliveries",
	 .action = ACT_WEBHOOK_ADMIN, .paged = true, .stmt = &db_webhook_deliveries,
	 .args = {A_ID, A_AFTER, A_LIMIT}, .answer = ANSWER_LIST,
	 .missing = R_webhook_not_found},
	ROUTES_END,
};
