/* Route lists not written yet (each moves to its resource file). */
#include "http/router.h"

const struct route auth_routes[] = {ROUTES_END};
const struct route user_routes[] = {ROUTES_END};
const struct route unit_routes[] = {ROUTES_END};
const struct route axis_routes[] = {ROUTES_END};
const struct route agreement_routes[] = {ROUTES_END};
const struct route activity_routes[] = {ROUTES_END};
const struct route observation_routes[] = {ROUTES_END};
const struct route audit_routes[] = {ROUTES_END};
const struct route progress_routes[] = {ROUTES_END};
const struct route compliance_routes[] = {ROUTES_END};
