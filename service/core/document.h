/* Validation of a whole plan document: the import/export format, PlanDocument in
 * openapi/openapi.yaml. Pure. */
#ifndef CORE_DOCUMENT_H
#define CORE_DOCUMENT_H

#include <jansson.h>
#include <stdbool.h>

#include "core/validate.h"

/* Checks doc completely, adding one error per bad element (with its JSON pointer) to v.
 * Returns true when the document can be imported as it is. */
bool document_validate(const json_t *doc, struct verr *v);

/* Checks the links of one axis of a document (at pointer ptr) by number: increasing
 * observation and contribution numbers, and every "responds_to" and "agreement" naming an
 * item of that axis (document_links.c; document_validate calls it). */
void document_check_links(const json_t *axis, const char *ptr, struct verr *v);

#endif
