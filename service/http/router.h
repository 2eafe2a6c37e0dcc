/* The route table: each resource file exports its rows (http/route.h); the router
 * matches paths. */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H

#include "http/route.h"

#define ROUTES_END {.method = NULL}

/* Route lists, one per resource file. */
extern const struct route system_routes[], portal_routes[], auth_routes[], user_routes[], unit_routes[],
	plan_routes[], axis_routes[], agreement_routes[], activity_routes[],
	progress_routes[], compliance_routes[], observation_routes[], audit_routes[],
	report_routes[], search_routes[], account_routes[], webhook_routes[];

enum match { MATCH_OK, MATCH_NO_PATH, MATCH_NO_METHOD, MATCH_BAD_ID };

/* Builds the table; call once at start. */
void router_init(void);
/* Finds the route for method and path; on MATCH_OK sets *r and ids (":id", ":sub");
 * on MATCH_NO_METHOD
 * writes the allowed methods ("GET, POST") into allow (64 bytes). */
enum match router_match(const char *method, const char *path, const struct route **r,
                        int64_t ids[2], char *allow);
/* Number of routes and the index of one, for metrics labels. */
int router_count(void);
int router_index(const struct route *r);
const struct route *router_at(int i);

#endif
