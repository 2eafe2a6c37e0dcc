/* Addresses a client gives: evidence URLs and email addresses. Pure. */
#ifndef CORE_ADDRESS_H
#define CORE_ADDRESS_H

#include <stdbool.h>

/* True if the address (family AF_INET or AF_INET6, network order) is in a range no
 * public service lives in: loopback, private, shared, link-local, multicast, reserved. */
bool address_internal(int family, const unsigned char *a);
/* True if s is an absolute http or https URL without user-info, with a port (if any) in
 * 1–65535 and a host that is a sane name or an address literal; localhost and internal
 * ranges only if allow_internal. */
bool url_ok(const char *s, bool allow_internal);
/* True if s looks like one email address (one '@', a dot in the domain, no blanks). */
bool email_ok(const char *s);

#endif
