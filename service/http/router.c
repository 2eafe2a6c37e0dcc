/* Path matching by segments. The table is small (≈60 routes) and matched linearly: a
 * request costs a few hundred string compares, far below one database round trip. */
#include "http/router.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUTES 128

static const struct route *table[MAX_ROUTES];
static int nroutes;

/* A row runs a statement or a handler (or a handler that may run the statement), a
 * created resource has a collection for its Location, and the declared query parameters
 * fit in a call. */
static bool
row_is_whole(const struct route *r)
{
	int nq = 0;

	for (const struct field *f = r->query; f && f->name; f++)
		nq++;
	return (r->stmt != NULL || r->handler != NULL) && nq <= QUERY_MAX &&
	       (r->answer != ANSWER_CREATED || r->location != NULL);
}

void
router_init(void)
{
	const struct route *lists[] = {system_routes, portal_routes, auth_routes, user_routes, unit_routes,
	                               plan_routes, axis_routes, agreement_routes,
	                               activity_routes, progress_routes, compliance_routes,
	                               observation_routes, audit_routes, report_routes,
	                               search_routes, account_routes, webhook_routes};

	nroutes = 0;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		for (const struct route *r = lists[i]; r->method && nroutes < MAX_ROUTES; r++) {
			assert(row_is_whole(r));
			table[nroutes++] = r;
		}
}

/* Compares one pattern with a path; ids are taken from the ":id" and ":sub" segments
 * (ids[0] and ids[1]); a ":file" segment matches any name (its handler reads the path). */
static bool
path_matches(const char *pat, const char *path, int64_t ids[2], bool *bad_id)
{
	while (*pat && *path) {
		const char *pe = strchr(pat + 1, '/'), *se = strchr(path + 1, '/');
		size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
		size_t sl = se ? (size_t)(se - path) : strlen(path);

		bool is_id = pl == 4 && strncmp(pat, "/:id", 4) == 0;
		bool is_sub = pl == 5 && strncmp(pat, "/:sub", 5) == 0;
		bool is_file = pl == 6 && strncmp(pat, "/:file", 6) == 0;

		if (is_file) {
			if (sl < 2)  /* any non-empty segment: the handler looks the name up */
				return false;
		} else if (is_id || is_sub) {
			char digits[INT_TEXT_MAX];
			char *end;
			long long v;

			if (sl < 2)
				return false;
			if (sl - 1 >= sizeof digits || path[1] < '0' || path[1] > '9') {
				*bad_id = true;
			} else {
				memcpy(digits, path + 1, sl - 1);
				digits[sl - 1] = '\0';
				errno = 0;
				v = strtoll(digits, &end, 10);
				if (errno || *end || v <= 0 || v > ID_MAX)
					*bad_id = true;
				else
					ids[is_sub] = v;
			}
		} else if (pl != sl || strncmp(pat, path, pl) != 0) {
			return false;
		}
		pat += pl;
		path += sl;
	}
	/* A trailing slash is not a different resource. */
	if (strcmp(path, "/") == 0)
		path++;
	return *pat == '\0' && *path == '\0';
}

enum match
router_match(const char *method, const char *path, const struct route **r, int64_t ids[2],
             char *allow)
{
	bool path_seen = false, bad_id = false;
	size_t alen = 0;

	allow[0] = '\0';
	for (int i = 0; i < nroutes; i++) {
		int64_t v[2] = {0, 0};
		bool bad = false;

		if (!path_matches(table[i]->pattern, path, v, &bad))
			continue;
		if (bad) {
			bad_id = true;
			continue;
		}
		path_seen = true;
		if (strcmp(table[i]->method, method) == 0) {
			*r = table[i];
			ids[0] = v[0];
			ids[1] = v[1];
			return MATCH_OK;
		}
		if (alen + strlen(table[i]->method) + 3 < 64 && !strstr(allow, table[i]->method)) {
			if (alen)
				alen += (size_t)snprintf(allow + alen, 64 - alen, ", ");
			alen += (size_t)snprintf(allow + alen, 64 - alen, "%s", table[i]->method);
		}
	}
	if (path_seen)
		return MATCH_NO_METHOD;
	return bad_id ? MATCH_BAD_ID : MATCH_NO_PATH;
}

int
router_count(void)
{
	return nroutes;
}

int
router_index(const struct route *r)
{
	for (int i = 0; i < nroutes; i++)
		if (table[i] == r)
			return i;
	return -1;
}

const struct route *
router_at(int i)
{
	return table[i];
}
