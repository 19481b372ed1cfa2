import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { granted } from '../access/authorize.js'
import { ROLES, type Role } from '../accounts/ports.js'

/**
 * Names for the ids the admin API answers with: an account id becomes its username and role, an
 * API key id its client's name and key prefix. A page of rows is resolved with one query per kind
 * of id, never one per row. Only a caller that may read accounts (scope `accounts:read`) is given
 * names: for another (an API key with `audit:read` alone, say) the name fields are left out.
 */
export interface NameDirectory {
  /** Username and role of each account that still exists; deleted ones are simply absent. */
  accounts(ids: readonly string[]): Promise<Map<string, { username: string; role: Role }>>
  /** Client name and displayable prefix of each API key that still exists. */
  apiKeys(ids: readonly string[]): Promise<Map<string, { clientName: string; prefix: string }>>
}

export const AccountRef = z
  .object({
    id: z.string(),
    username: z.string().nullable().describe('null when the account no longer exists'),
    role: z.enum(ROLES).nullable(),
  })
  .describe('An account by name: its id, username and role')

export const ActorRef = z
  .object({
    kind: z
      .enum(['account', 'api_key', 'cli', 'system', 'other'])
      .describe('Who acted: a staff account, an admin API key, the command line, Gatehouse itself'),
    id: z.string().nullable().describe('The account or API key id'),
    name: z
      .string()
      .nullable()
      .describe(
        'The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system',
      ),
    role: z.enum(ROLES).nullable().describe("The account's role"),
  })
  .describe('Who acted, by name')

export type AccountRefView = z.infer<typeof AccountRef>
export type ActorRefView = z.infer<typeof ActorRef>

/** `account:<id>` → the id; anything else → null. */
export const accountIdOf = (ref: string | null | undefined): string | null =>
  ref?.startsWith('account:') ? ref.slice('account:'.length) || null : null

const apiKeyIdOf = (ref: string): string | null =>
  ref.startsWith('api_key:') ? ref.slice('api_key:'.length) || null : null

/** True when the caller may be given names: it holds `accounts:read`. */
export const mayName = (req: FastifyRequest): boolean =>
  !!req.staff && granted(req.staff.scopes, 'accounts:read')

export interface Names {
  /** False when names are withheld from this caller. */
  given: boolean
  /** The account with this id, named; null for a null id; undefined when names are withheld. */
  account(id: string | null | undefined): AccountRefView | null | undefined
  /** The actor as the audit log records it (`account:<id>`, `api_key:<id>`, `cli`, `system`), named. */
  actor(ref: string | null | undefined): ActorRefView | null | undefined
}

/** Names withheld: every lookup answers undefined (the field is left out), and nothing is read. */
const withheld: Names = { given: false, account: () => undefined, actor: () => undefined }

/**
 * Resolves every id in `accountIds` and every actor reference in `actors` at once (at most one
 * query for accounts and one for API keys), and answers the lookups of the page from memory.
 */
export const resolveNames = async (
  directory: NameDirectory,
  refs: { accountIds?: Iterable<string | null | undefined>; actors?: Iterable<string | null | undefined> },
  allowed = true,
): Promise<Names> => {
  if (!allowed) return withheld
  const accountIds = new Set<string>()
  const keyIds = new Set<string>()
  for (const id of refs.accountIds ?? []) if (id) accountIds.add(id)
  for (const ref of refs.actors ?? []) {
    if (!ref) continue
    const a = accountIdOf(ref)
    if (a) accountIds.add(a)
    const k = apiKeyIdOf(ref)
    if (k) keyIds.add(k)
  }
  const [accounts, keys] = await Promise.all([
    accountIds.size
      ? directory.accounts([...accountIds])
      : new Map<string, { username: string; role: Role }>(),
    keyIds.size ? directory.apiKeys([...keyIds]) : new Map<string, { clientName: string; prefix: string }>(),
  ])
  const account = (id: string | null | undefined): AccountRefView | null => {
    if (!id) return null
    const a = accounts.get(id)
    return { id, username: a?.username ?? null, role: a?.role ?? null }
  }
  return {
    given: true,
    account,
    actor: (ref) => {
      if (!ref) return null
      const accountId = accountIdOf(ref)
      if (accountId) {
        const a = account(accountId)!
        return { kind: 'account', id: accountId, name: a.username, role: a.role }
      }
      const keyId = apiKeyIdOf(ref)
      if (keyId) {
        const k = keys.get(keyId)
        return {
          kind: 'api_key',
          id: keyId,
          name: k ? `${k.clientName} (ghk_${k.prefix})` : null,
          role: null,
        }
      }
      if (ref === 'cli' || ref === 'system') return { kind: ref, id: null, name: null, role: null }
      return { kind: 'other', id: null, name: ref, role: null }
    },
  }
}
