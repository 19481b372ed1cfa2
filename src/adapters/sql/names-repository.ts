import type { Kysely } from 'kysely'
import { type Role, toRole } from '../../modules/accounts/ports.js'
import type { NameDirectory } from '../../modules/admin/names.js'
import { chunks } from './chunks.js'
import type { Database } from './schema.js'

/** Names of accounts and API keys, a page of ids at a time (one statement per 500 ids). */
export class SqlNameDirectory implements NameDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  async accounts(ids: readonly string[]): Promise<Map<string, { username: string; role: Role }>> {
    const out = new Map<string, { username: string; role: Role }>()
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db
        .selectFrom('accounts')
        .select(['id', 'username', 'role'])
        .where('id', 'in', part)
        .execute()
      for (const r of rows) out.set(r.id, { username: r.username, role: toRole(r.role) })
    }
    return out
  }

  async apiKeys(ids: readonly string[]): Promise<Map<string, { clientName: string; prefix: string }>> {
    const out = new Map<string, { clientName: string; prefix: string }>()
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db
        .selectFrom('api_keys')
        .innerJoin('clients', 'clients.id', 'api_keys.client_id')
        .select(['api_keys.id as id', 'api_keys.prefix as prefix', 'clients.name as name'])
        .where('api_keys.id', 'in', part)
        .execute()
      for (const r of rows) out.set(r.id, { clientName: r.name, prefix: r.prefix })
    }
    return out
  }
}
