/* The statement of GET /api/v1/search (migrations/functions/24_search.sql). */
#ifndef DB_SEARCH_H
#define DB_SEARCH_H

#include "db/pool.h"

/* (sub, role, staff, q, plan_id, after, limit): a page of the items the caller may see
 * that match q, best first; answers (items, next key). */
extern struct db_stmt db_search;

#endif
