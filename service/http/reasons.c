/* The catalogue as a table, and the titles of the statuses it uses. */
#include "http/reasons.h"

#include <string.h>

const struct reason reasons[R_COUNT] = {
#define REASON(name, status, code, es, en) [R_##name] = {#name, status, code, es, en},
#include "http/reasons.def"
#undef REASON
};

static const struct {
	const char *constraint;
	enum reason_id reason;
} constraints[] = {
#define CONSTRAINT(name, reason) {#name, R_##reason},
#include "http/constraints.def"
#undef CONSTRAINT
};

const struct reason *
reason_from_db(const char *name)
{
	for (size_t i = 0; i < sizeof constraints / sizeof constraints[0]; i++)
		if (strcmp(constraints[i].constraint, name) == 0)
			return &reasons[constraints[i].reason];
	return reason_find(name);
}

const struct reason *
reason_find(const char *name)
{
	for (int i = 0; i < R_COUNT; i++)
		if (strcmp(reasons[i].name, name) == 0)
			return &reasons[i];
	return NULL;
}

const char *
reason_title(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}
