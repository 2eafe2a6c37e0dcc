/* libmicrohttpd 0.9.75 parses the request head in place, in one buffer per connection:
 * the request line, then each header line in order, every CR and LF of a line end
 * overwritten with a NUL, the colon too; each name and value it reports points into
 * that buffer and its length is strlen's. So a NUL sent inside a value ends the value
 * there, and what follows it up to the line end is dropped unseen (issue 17: a NUL in a
 * header value → 200). Walking the reported strings over the buffer shows any byte they
 * do not account for: between two lines there must be exactly the two NULs of a CRLF,
 * and after the last one the four of CRLF CRLF, which ends at the head's reported size.
 * The walk also refuses a line ended by a bare LF (one NUL; RFC 9112 2.2 lets a server
 * refuse it, and it is how a trailing NUL would hide) and a folded line (obs-fold,
 * RFC 9112 5.2: libmicrohttpd copies it elsewhere). */
#include "http/wire.h"

#include <stdint.h>
#include <string.h>

#include "core/log.h"

struct walk {
	const char *at;     /* the byte after the last string accounted for */
	uintptr_t limit;    /* the head's end */
	bool whole;
};

static bool enabled;

void
wire_init(void)
{
	/* Another release may lay the head out otherwise, and the walk would then refuse
	 * good requests. */
	enabled = strcmp(MHD_get_version(), "0.9.75") == 0;
	if (!enabled)
		log_msg(LOG_WARN, "libmicrohttpd %s: a NUL inside a header value is not detected "
		        "(README \"Security\")", MHD_get_version());
}

/* Whether next is n bytes after at, all of them NULs. The addresses are compared as
 * integers (a wrapped difference is never n): after a folded line they need not point
 * into one object. */
static bool
nuls_between(const char *at, const char *next, size_t n)
{
	if ((uintptr_t)next - (uintptr_t)at != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (at[i] != '\0')
			return false;
	return true;
}

static enum MHD_Result
one_line(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
         const char *value, size_t value_size)
{
	struct walk *w = cls;
	const char *p;

	/* The line's start two NULs after the previous line's end, its colon a NUL, only
	 * blanks between the colon and the value, the value inside the head. */
	if (value == NULL || !nuls_between(w->at, key, 2) || key[key_size] != '\0' ||
	    (uintptr_t)value <= (uintptr_t)key + key_size ||
	    (uintptr_t)value + value_size > w->limit) {
		w->whole = false;
		return MHD_NO;
	}
	for (p = key + key_size + 1; p < value; p++)
		if (*p != ' ' && *p != '\t') {
			w->whole = false;
			return MHD_NO;
		}
	w->at = value + value_size;
	return MHD_YES;
}

bool
wire_head_whole(struct MHD_Connection *con, const char *method, const char *version)
{
	const union MHD_ConnectionInfo *size;
	struct walk w;

	if (!enabled)
		return true;
	size = MHD_get_connection_info(con, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (size == NULL)
		return false;
	/* The head starts at the method (blank lines before it are not counted). */
	w.limit = (uintptr_t)method + size->header_size;
	w.at = version + strlen(version);
	w.whole = (uintptr_t)w.at < w.limit;
	if (w.whole)
		MHD_get_connection_values_n(con, MHD_HEADER_KIND, one_line, &w);
	return w.whole && nuls_between(w.at, (const char *)w.limit, 4);
}
