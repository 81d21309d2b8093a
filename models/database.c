#include "models/database.h"

void database_init(struct database *db, const struct cfg_database *cfg, double t0)
{
	*db = (struct database){.cfg = cfg, .usable = cfg_usable_connections(cfg)};
	level_init(&db->open_level, t0, 0);
	level_init(&db->lock_waiting_level, t0, 0);
}

void database_lock_wait(struct database *db, double now, int delta)
{
	db->lock_waiting += delta;
	level_set(&db->lock_waiting_level, now, db->lock_waiting);
}

bool database_connect(struct database *db, double now)
{
	if (db->open >= db->usable || (db->shared && !database_connect(db->shared, now))) {
		db->refused++;
		return false;
	}
	db->open++;
	level_set(&db->open_level, now, db->open);
	return true;
}

void database_disconnect(struct database *db, double now)
{
	db->open--;
	level_set(&db->open_level, now, db->open);
	if (db->shared)
		database_disconnect(db->shared, now);
}

uint64_t database_begin(struct database *db) { return ++db->next_txn; }

void database_reset(struct database *db, double t)
{
	db->refused = 0;
	level_reset(&db->open_level, t);
	level_reset(&db->lock_waiting_level, t);
}

const char *database_refusal_message(const struct cfg_database *cfg)
{
	if (cfg->reserved_connections > 0)
		return "FATAL:  remaining connection slots are reserved for roles with privileges of "
		       "the \"pg_use_reserved_connections\" role";
	if (cfg->superuser_reserved_connections > 0)
		return "FATAL:  remaining connection slots are reserved for roles with the SUPERUSER "
		       "attribute";
	return "FATAL:  sorry, too many clients already";
}
