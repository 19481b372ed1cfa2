import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely'
import type { Dialect } from './dialect.js'
import * as m0001 from './migrations/0001_foundation.js'
import * as m0002 from './migrations/0002_recovery.js'
import * as m0003 from './migrations/0003_mfa.js'
import * as m0004 from './migrations/0004_reauth_policy.js'
import * as m0005 from './migrations/0005_passkeys.js'
import * as m0006 from './migrations/0006_devices.js'
import * as m0007 from './migrations/0007_event_history.js'
import * as m0008 from './migrations/0008_event_search.js'
import * as m0009 from './migrations/0009_detections.js'
import * as m0010 from './migrations/0010_webhooks.js'
import * as m0011 from './migrations/0011_audit.js'
import * as m0012 from './migrations/0012_incidents.js'
import * as m0013 from './migrations/0013_campaigns.js'
import * as m0014 from './migrations/0014_access.js'
import * as m0015 from './migrations/0015_console_stats.js'
import * as m0016 from './migrations/0016_import_heartbeat.js'
import * as m0017 from './migrations/0017_outbound_gate.js'
import * as m0018 from './migrations/0018_username_reservations.js'
import * as m0019 from './migrations/0019_health_checks.js'
import * as m0020 from './migrations/0020_guard_lifts.js'
import * as m0021 from './migrations/0021_reservation_password.js'
import * as m0022 from './migrations/0022_locales.js'
import * as m0023 from './migrations/0023_session_amr.js'
import * as m0024 from './migrations/0024_oidc.js'
import * as m0025 from './migrations/0025_password_scheme.js'
import * as m0026 from './migrations/0026_account_lifecycle.js'
import * as m0027 from './migrations/0027_account_deletion.js'
import * as m0028 from './migrations/0028_account_imports.js'
import * as m0029 from './migrations/0029_bulk_write_paths.js'
import * as m0030 from './migrations/0030_campaign_target_spread.js'
import * as m0031 from './migrations/0031_campaign_target_groups.js'
import * as m0032 from './migrations/0032_leak_import_paths.js'
import * as m0033 from './migrations/0033_exposure_repeats.js'
import * as m0034 from './migrations/0034_identifier_collation.js'

type DialectMigration = {
  up: (db: Kysely<unknown>, dialect: Dialect) => Promise<void>
  down?: (db: Kysely<unknown>, dialect: Dialect) => Promise<void>
}

/** Every migration, in order. Names never change once released. */
const all: Record<string, DialectMigration> = {
  '0001_foundation': m0001,
  '0002_recovery': m0002,
  '0003_mfa': m0003,
  '0004_reauth_policy': m0004,
  '0005_passkeys': m0005,
  '0006_devices': m0006,
  '0007_event_history': m0007,
  '0008_event_search': m0008,
  '0009_detections': m0009,
  '0010_webhooks': m0010,
  '0011_audit': m0011,
  '0012_incidents': m0012,
  '0013_campaigns': m0013,
  '0014_access': m0014,
  '0015_console_stats': m0015,
  '0016_import_heartbeat': m0016,
  '0017_outbound_gate': m0017,
  '0018_username_reservations': m0018,
  '0019_health_checks': m0019,
  '0020_guard_lifts': m0020,
  '0021_reservation_password': m0021,
  '0022_locales': m0022,
  '0023_session_amr': m0023,
  '0024_oidc': m0024,
  '0025_password_scheme': m0025,
  '0026_account_lifecycle': m0026,
  '0027_account_deletion': m0027,
  '0028_account_imports': m0028,
  '0029_bulk_write_paths': m0029,
  '0030_campaign_target_spread': m0030,
  '0031_campaign_target_groups': m0031,
  '0032_leak_import_paths': m0032,
  '0033_exposure_repeats': m0033,
  '0034_identifier_collation': m0034,
}

const migratorFor = (db: Kysely<unknown>, dialect: Dialect): Migrator => {
  const migrations: Record<string, Migration> = Object.fromEntries(
    Object.entries(all).map(([name, m]) => [
      name,
      {
        up: (d: Kysely<unknown>) => m.up(d, dialect),
        ...(m.down ? { down: (d: Kysely<unknown>) => m.down!(d, dialect) } : {}),
      },
    ]),
  )
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  })
}

export const migrateToLatest = (db: Kysely<unknown>, dialect: Dialect): Promise<MigrationResultSet> =>
  migratorFor(db, dialect).migrateToLatest()

/** Undoes the last migration applied (its `down`): a release rolled back before its schema. */
export const migrateDownOne = (db: Kysely<unknown>, dialect: Dialect): Promise<MigrationResultSet> =>
  migratorFor(db, dialect).migrateDown()
