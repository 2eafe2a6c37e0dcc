/* Addresses a client gives: evidence URLs and email addresses. Pure. */
#ifndef CORE_ADDRESS_H
#define CORE_ADDRESS_H

#include <stdbool.h>

/* True if s is an absolute http or https URL without user-info, with a port (if any) in
 * 1–65535 and a host that is a sane name or an address literal outside internal ranges. */
bool url_ok(const char *s);
/* True if s looks like one email address (one '@', a dot in the domain, no blanks). */
bool email_ok(const char *s);

#endif
