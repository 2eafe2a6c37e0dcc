/* /api/v1/units…: the units responsible for activities. Anyone reads them; the
 * administrator creates and renames them (names are unique whatever their case). */
#include "db/units.h"
#include "http/router.h"

static const struct field unit_fields[] = {
	{"name", F_STRING, F_REQUIRED | F_NAME, 1, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

static const struct field merge_fields[] = {
	{"into_id", F_INT, F_REQUIRED, 1, ID_MAX, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

const struct route unit_routes[] = {
	/* Every unit, by id (the public's: not those only draft plans name). */
	{.method = "GET", .pattern = "/api/v1/units", .action = ACT_READ, .paged = true,
	 .stmt = &db_unit_list, .args = {A_STAFF, A_AFTER, A_LIMIT}, .answer = ANSWER_LIST},
	/* 409 when the name is taken. */
	{.method = "POST", .pattern = "/api/v1/units", .action = ACT_UNIT_WRITE,
	 .body = unit_fields, .stmt = &db_unit_create, .args = {A_SUB, A_ROLE, A_BODY},
	 .answer = ANSWER_CREATED, .location = "/api/v1/units"},
	/* One unit (and the ETag a rename's If-Match needs). */
	{.method = "GET", .pattern = "/api/v1/units/:id", .action = ACT_READ,
	 .stmt = &db_unit_get, .args = {A_STAFF, A_ID}, .answer = ANSWER_ONE,
	 .missing = R_unit_not_found},
	/* Renames; 409 when another unit has the name. */
	{.method = "PATCH", .pattern = "/api/v1/units/:id", .action = ACT_UNIT_WRITE,
	 .body = unit_fields, .stmt = &db_unit_update,
	 .args = {A_SUB, A_ROLE, A_ID, A_BODY, A_IF_MATCH},
	 .answer = ANSWER_ONE, .missing = R_unit_not_found},
	/* Only a unit no activity or account uses (else 409 unit_in_use). */
	{.method = "DELETE", .pattern = "/api/v1/units/:id", .action = ACT_UNIT_WRITE,
	 .stmt = &db_unit_delete, .args = {A_SUB, A_ROLE, A_ID},
	 .answer = ANSWER_EMPTY, .missing = R_unit_not_found},
	/* {into_id}: every link moves to that unit and this one is deleted; answers the
	 * unit merged into. */
	{.method = "POST", .pattern = "/api/v1/units/:id/merge", .action = ACT_UNIT_WRITE,
	 .body = merge_fields, .stmt = &db_unit_merge, .args = {A_SUB, A_ROLE, A_ID, A_BODY},
	 .answer = ANSWER_ONE, .missing = R_unit_not_found},
	ROUTES_END,
};
