import type { Command } from 'commander'
import type { RequestContext } from '../../kernel/context.js'
import type { OidcKeyRecord } from './ports.js'

/** What the key commands work on, of the configured database. */
export interface OidcKeyTools {
  /** Every stored key, newest first, without its private half. */
  list(): Promise<Array<Omit<OidcKeyRecord, 'privateSealed'>>>
  /** New keys in use; the old ones published for verification only. The new key ids. */
  rotate(): Promise<string[]>
  /** Appends to the audit log (actor `cli`). */
  audit(ctx: RequestContext, action: string, details: Record<string, unknown>): Promise<void>
}

export interface OidcKeysCliDeps {
  /** Runs one action against the configured database, then closes everything. */
  run: <T>(action: (keys: OidcKeyTools) => Promise<T>) => Promise<T>
  ctx: RequestContext
  /** Reports an error and exits. */
  fail: (e: unknown) => never
}

/** A key as the commands show it: times as ISO 8601, `retired` null while in use. */
export const keyView = (k: Omit<OidcKeyRecord, 'privateSealed'>) => ({
  kid: k.kid,
  alg: k.alg,
  created: new Date(k.createdAt).toISOString(),
  retired: k.retiredAt === null ? null : new Date(k.retiredAt).toISOString(),
})

/**
 * `gatehouse oidc keys rotate`: new signing keys in use at once (running instances take them up
 * within a minute); the old ones stay published until every token they signed has expired.
 * Audited as `oidc.keys_rotate`.
 */
export const rotateSigningKeys = async (tools: OidcKeyTools, ctx: RequestContext): Promise<string[]> => {
  const kids = await tools.rotate()
  await tools.audit(ctx, 'oidc.keys_rotate', { kids })
  return kids
}

/** The `oidc` command group: the one another file registered, or a new one. */
const oidcGroup = (program: Command): Command =>
  program.commands.find((c) => c.name() === 'oidc') ??
  program.command('oidc').description('the OpenID Connect provider')

/** `gatehouse oidc keys list | rotate`. */
export const registerOidcKeyCommands = (program: Command, deps: OidcKeysCliDeps): void => {
  const { fail, ctx } = deps
  const keys = oidcGroup(program).command('keys').description("the provider's signing keys")
  keys
    .command('list')
    .description('every signing key: kid, algorithm, created, retired (blank: in use)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      try {
        const views = (await deps.run((t) => t.list())).map(keyView)
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(views, null, 2)}\n`)
          return
        }
        process.stdout.write('KID\tALG\tCREATED\tRETIRED\n')
        for (const v of views) process.stdout.write(`${v.kid}\t${v.alg}\t${v.created}\t${v.retired ?? ''}\n`)
      } catch (e) {
        fail(e)
      }
    })
  keys
    .command('rotate')
    .description('new signing keys in use now; the old ones verify until their tokens have expired')
    .action(async () => {
      try {
        const kids = await deps.run((t) => rotateSigningKeys(t, ctx))
        process.stdout.write(`new keys: ${kids.join(', ')} (running instances use them within a minute)\n`)
      } catch (e) {
        fail(e)
      }
    })
}
