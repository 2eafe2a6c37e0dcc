/* What every command does once its arguments are checked: read the configuration and,
 * for a command that uses the database, create the pool. */
#include "cli/cli.h"

#include "core/config.h"
#include "db/pool.h"

bool
cli_setup(int needs, int pool_size)
{
	if (!config_load(needs))
		return false;
	if ((needs & NEED_DB) &&
	    !db_pool_init(cfg.database_url, pool_size > 0 ? pool_size : cfg.pool_size,
	                  cfg.time_zone, cfg.answer_days, cfg.smtp_url != NULL,
	                  cfg.db_pool_mode == POOL_TRANSACTION))
		return false;
	return true;
}
