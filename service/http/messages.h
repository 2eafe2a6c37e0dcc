/* Every text the service sends to people, in Spanish and English. */
#ifndef HTTP_MESSAGES_H
#define HTTP_MESSAGES_H

#include "http/call.h"

/* The HTTP reason phrase used as a problem's title. */
const char *msg_title(int status);
/* The generic detail of a status. */
const struct msg *msg_for_status(int status);
/* The detail for a reason raised by the database (a message or constraint name); NULL if
 * unknown. */
const struct msg *msg_for_reason(const char *reason);

/* The language to answer in: English when Accept-Language prefers it (by q-value) to
 * Spanish, else Spanish, the default. */
enum lang msg_lang(const char *accept_language);

extern const struct msg MSG_BODY_REQUIRED, MSG_BODY_NOT_JSON, MSG_BODY_TOO_DEEP,
	MSG_MEDIA_TYPE, MSG_TOO_LARGE, MSG_TOKEN_REQUIRED, MSG_TOKEN_INVALID, MSG_ROLE,
	MSG_BAD_PARAM, MSG_BAD_CURSOR, MSG_NO_ROUTE, MSG_METHOD, MSG_DB_DOWN, MSG_BAD_ID,
	MSG_NOT_ACCEPTABLE;

#endif
