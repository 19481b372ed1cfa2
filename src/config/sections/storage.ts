import { z } from 'zod'
import type { loadSecretKey } from '../../adapters/keys/key-file.js'
import type { openDatabase } from '../../adapters/sql/database.js'
import { format, int, optional, type Setting, section, text, url, type Values } from '../kinds.js'

const rows = {
  dataDir: {
    env: 'GATEHOUSE_DATA_DIR',
    default: './data',
    doc: 'Folder for the SQLite file, outgoing mail (.eml) and SMS files.',
    schema: text,
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    default: undefined,
    secret: true,
    doc: '`postgres://user@host:port/db` selects PostgreSQL; unset uses SQLite in the data dir.',
    schema: optional(url(['postgres:', 'postgresql:'])),
  },
  dbConnectTimeoutMs: {
    env: 'GATEHOUSE_DB_CONNECT_TIMEOUT_MS',
    default: '3000',
    doc: 'PostgreSQL: deadline for opening a connection or waiting for a free one in the pool; past it the request answers `503 service_unavailable`.',
    schema: int(100, 60000),
  },
  dbStatementTimeoutMs: {
    env: 'GATEHOUSE_DB_STATEMENT_TIMEOUT_MS',
    default: '10000',
    doc: 'PostgreSQL: deadline of one statement (the server cancels it; the client gives up one second later if the server does not answer at all, and drops that connection).',
    schema: int(100, 600000),
  },
  readyTimeoutMs: {
    env: 'GATEHOUSE_READY_TIMEOUT_MS',
    default: '1000',
    doc: '`/readyz` answers within about this: each check (database read, database write, disk space) that has not answered by then reads `timeout`, and the answer is 503.',
    schema: int(50, 30000),
  },
  diskMinFreeMb: {
    env: 'GATEHOUSE_DISK_MIN_FREE_MB',
    default: '64',
    doc: 'Below this much free space in the data directory (MiB), `/readyz` answers 503 (`disk: low`) and the outage is logged, before writes start to fail; `gatehouse_data_dir_free_bytes` shows the figure.',
    schema: int(0, 1_000_000),
  },
  secretKey: {
    env: 'GATEHOUSE_SECRET_KEY',
    default: undefined,
    secret: true,
    doc: 'Base64 of 32 random bytes that encrypt second-factor secrets at rest. Unset: a key file `secret.key` is generated in the data dir on first start (back it up; several instances must share one key).',
    schema: optional(
      format(
        z.string().refine((v) => Buffer.from(v, 'base64').length === 32),
        'must be base64 of exactly 32 bytes (openssl rand -base64 32)',
      ),
    ),
  },
} as const satisfies Record<string, Setting>

export interface StorageSettings {
  dataDir: string
  /** What `openDatabase` takes. */
  database: Parameters<typeof openDatabase>[0]
  /** What `loadSecretKey` takes. */
  secretKey: Parameters<typeof loadSecretKey>[0]
  /** Deadline of each readiness check (and of the metrics' reads of the database). */
  readyTimeoutMs: number
  /** Below this much free space in the data directory, the instance is not ready. */
  diskMinFreeBytes: number
}

export const storage = section(
  'Data and database',
  rows,
  (v: Values<typeof rows>): StorageSettings => ({
    dataDir: v.dataDir,
    database: {
      databaseUrl: v.databaseUrl,
      dataDir: v.dataDir,
      dbConnectTimeoutMs: v.dbConnectTimeoutMs,
      dbStatementTimeoutMs: v.dbStatementTimeoutMs,
    },
    secretKey: { secretKey: v.secretKey, dataDir: v.dataDir },
    readyTimeoutMs: v.readyTimeoutMs,
    diskMinFreeBytes: v.diskMinFreeMb * 1024 * 1024,
  }),
)
