import type { Command } from 'commander'
import type { RequestContext } from '../../kernel/context.js'
import { oidcClientView } from './client-views.js'
import type { OidcClientInput, OidcClients } from './clients.js'
import {
  ACR_LEVELS,
  type AcrLevel,
  OIDC_AUTH_METHODS,
  OIDC_GRANT_TYPES,
  OIDC_SCOPES,
  type OidcAuthMethod,
  type OidcClientRecord,
  type OidcGrantType,
  type OidcScope,
} from './ports.js'

export interface OidcCliDeps {
  /** Runs one action against the configured database with the applications, then closes everything. */
  run: <T>(action: (clients: OidcClients) => Promise<T>) => Promise<T>
  ctx: RequestContext
  /** Reports an error and exits. */
  fail: (e: unknown) => never
  /** A usage error: reported like a startup error. */
  usage: (message: string) => Error
}

/** What the commands' options give, as commander parses them. */
interface SettingOptions {
  name?: string
  description?: string
  owner?: string
  contact?: string
  firstParty?: boolean
  authMethod?: string
  redirectUri?: string[]
  postLogoutUri?: string[]
  scopes?: string
  grantTypes?: string
  requireAcr?: string
  backchannelLogoutUri?: string
  accessTokenFormat?: string
  json?: boolean
}

const collect = (value: string, previous: string[] = []) => [...previous, value]
/** `none` or an empty value clears a setting. */
const orNull = (v: string): string | null => (v === '' || v === 'none' ? null : v)

const commaList = <T extends string>(
  raw: string,
  allowed: readonly T[],
  what: string,
  usage: (m: string) => Error,
): T[] => {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const bad = items.find((s) => !(allowed as readonly string[]).includes(s))
  if (bad !== undefined) throw usage(`unknown ${what} ${bad}: one of ${allowed.join(', ')}`)
  return items as T[]
}

const oneOf = <T extends string>(
  raw: string,
  allowed: readonly T[],
  what: string,
  usage: (m: string) => Error,
): T => {
  if (!(allowed as readonly string[]).includes(raw))
    throw usage(`${what} must be one of ${allowed.join(', ')}`)
  return raw as T
}

/** The settings the options name (only those). */
const settingsOf = (o: SettingOptions, usage: (m: string) => Error): Partial<OidcClientInput> => {
  const s: Partial<OidcClientInput> = {}
  if (o.name !== undefined) s.name = o.name
  if (o.description !== undefined) s.description = orNull(o.description)
  if (o.owner !== undefined) s.ownerAccountId = orNull(o.owner)
  if (o.contact !== undefined) s.contact = orNull(o.contact)
  if (o.firstParty !== undefined) s.firstParty = o.firstParty
  if (o.authMethod !== undefined)
    s.tokenEndpointAuthMethod = oneOf<OidcAuthMethod>(o.authMethod, OIDC_AUTH_METHODS, '--auth-method', usage)
  if (o.redirectUri !== undefined) s.redirectUris = o.redirectUri.filter(Boolean)
  if (o.postLogoutUri !== undefined) s.postLogoutRedirectUris = o.postLogoutUri.filter(Boolean)
  if (o.scopes !== undefined) s.scopes = commaList<OidcScope>(o.scopes, OIDC_SCOPES, 'scope', usage)
  if (o.grantTypes !== undefined)
    s.grantTypes = commaList<OidcGrantType>(o.grantTypes, OIDC_GRANT_TYPES, 'grant type', usage)
  if (o.requireAcr !== undefined) {
    const acr = orNull(o.requireAcr)
    s.requireAcr = acr === null ? null : oneOf<AcrLevel>(acr, ACR_LEVELS, '--require-acr', usage)
  }
  if (o.backchannelLogoutUri !== undefined) s.backchannelLogoutUri = orNull(o.backchannelLogoutUri)
  if (o.accessTokenFormat !== undefined)
    s.accessTokenFormat = oneOf(
      o.accessTokenFormat,
      ['opaque', 'jwt'] as const,
      '--access-token-format',
      usage,
    )
  return s
}

/** The options every setting has, on `create` and `update`. */
const withSettingOptions = (cmd: Command): Command =>
  cmd
    .option('--description <text>', 'what it is for (none: clear)')
    .option('--owner <account-id>', 'the staff or partner account answerable for it (none: nobody)')
    .option('--contact <text>', 'whom to call about it (none: clear)')
    .option('--first-party', 'skip the consent screen (a first-party application)')
    .option('--no-first-party', 'show the consent screen')
    .option('--auth-method <method>', `token endpoint auth method: ${OIDC_AUTH_METHODS.join(', ')}`)
    .option('--redirect-uri <uri>', 'an exact redirect URI (repeat for more; replaces the list)', collect)
    .option(
      '--post-logout-uri <uri>',
      'an exact post-logout redirect URI (repeat; replaces the list)',
      collect,
    )
    .option('--scopes <list>', `comma-separated: ${OIDC_SCOPES.join(', ')} (openid required)`)
    .option('--grant-types <list>', `comma-separated: ${OIDC_GRANT_TYPES.join(', ')}`)
    .option(
      '--require-acr <level>',
      `the least a sign-in must prove: ${ACR_LEVELS.join(', ')} (none: a password)`,
    )
    .option('--backchannel-logout-uri <uri>', 'where logout tokens are posted (none: clear)')
    .option('--access-token-format <format>', 'opaque or jwt')
    .option('--json', 'print JSON')

/** One application as text lines: never the secret's hash. */
const describe = (c: OidcClientRecord): string => {
  const v = oidcClientView(c)
  const rows: Array<[string, string]> = [
    ['client_id', v.client_id],
    ['name', v.name],
    ['status', v.disabled_at ? `disabled since ${v.disabled_at}` : 'enabled'],
    ['type', `${v.public ? 'public' : 'confidential'}, ${v.first_party ? 'first' : 'third'} party`],
    ['auth method', v.token_endpoint_auth_method],
    ['owner', v.owner_account_id ?? '-'],
    ['contact', v.contact ?? '-'],
    ['redirect URIs', v.redirect_uris.join(' ') || '-'],
    ['post-logout URIs', v.post_logout_redirect_uris.join(' ') || '-'],
    ['scopes', v.scopes.join(' ')],
    ['grant types', v.grant_types.join(' ')],
    ['require acr', v.require_acr ?? '-'],
    ['back-channel logout', v.backchannel_logout_uri ?? '-'],
    ['access tokens', v.access_token_format],
    ['secret created', v.secret_created_at ?? '-'],
    ['last used', v.last_used_at ?? 'never'],
  ]
  // Names and URIs come from administrators: no control characters reach the terminal.
  const clean = (s: string) => [...s].map((ch) => (/\p{Cc}/u.test(ch) ? '?' : ch)).join('')
  return `${rows.map(([k, val]) => `${k.padEnd(20)}${clean(val)}`).join('\n')}\n`
}

const printSecret = (secret: string) => {
  console.log(`client_secret: ${secret}`)
  console.log('shown once: only its SHA-256 is kept. Give it to the application by a channel you trust.')
}

/**
 * `gatehouse oidc clients create|list|show|update|rotate-secret|disable|enable|delete`: the
 * applications, against the configured database, audited with the actor cli. Returns the `oidc`
 * group, to which the provider's other commands (`oidc keys …`) are added.
 */
export const registerOidcCommands = (program: Command, deps: OidcCliDeps): Command => {
  const oidc = program.command('oidc').description('the OpenID Connect provider')
  const clients = oidc
    .command('clients')
    .description('applications that sign users in through Gatehouse (OpenID Connect clients)')
  const ctx: CommandContext = {
    deps,
    by: { actor: 'cli' },
    act: (work) => work().catch(deps.fail),
    print: (c, json) =>
      process.stdout.write(json ? `${JSON.stringify(oidcClientView(c), null, 2)}\n` : describe(c)),
  }
  registerReading(clients, ctx)
  registerChanges(clients, ctx)
  // `gatehouse oidc keys …` (the signing keys) goes beside `clients` in this group.
  return oidc
}

interface CommandContext {
  deps: OidcCliDeps
  by: { actor: string }
  /** Runs a command's work; an error is reported and exits. */
  act: (work: () => Promise<void>) => Promise<void>
  print: (c: OidcClientRecord, json?: boolean) => void
}

/** `create`, `list`, `show`. */
const registerReading = (clients: Command, { deps, by, act, print }: CommandContext): void => {
  const { usage, ctx } = deps
  withSettingOptions(
    clients
      .command('create')
      .description('register an application; a confidential one gets its secret, printed once')
      .requiredOption('--name <name>', 'its name, as people see it')
      .option('--public', 'a browser or native app: no secret, PKCE only'),
  ).action((o: SettingOptions & { public?: boolean }) =>
    act(async () => {
      const input = { ...settingsOf(o, usage), name: o.name ?? '', public: o.public ?? false }
      const { client, secret } = await deps.run((c) => c.create(input, by, ctx))
      if (o.json) {
        process.stdout.write(
          `${JSON.stringify({ ...oidcClientView(client), client_secret: secret }, null, 2)}\n`,
        )
        return
      }
      print(client)
      if (secret) printSecret(secret)
    }),
  )

  clients
    .command('list')
    .description('every application, oldest first')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      act(async () => {
        const all = await deps.run((c) => c.list())
        if (o.json) {
          process.stdout.write(`${JSON.stringify(all.map(oidcClientView), null, 2)}\n`)
          return
        }
        for (const c of all)
          console.log(
            `${c.id}  ${c.disabledAt ? 'disabled' : 'enabled '}  ${c.public ? 'public      ' : 'confidential'}  ${c.name}`,
          )
        console.log(`${all.length} application${all.length === 1 ? '' : 's'}`)
      }),
    )

  clients
    .command('show')
    .description('one application')
    .argument('<client-id>')
    .option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) =>
      act(async () => print(await deps.run((c) => c.get(id)), o.json)),
    )
}

/** `update`, `rotate-secret`, `disable`, `enable`, `delete`. */
const registerChanges = (clients: Command, { deps, by, act, print }: CommandContext): void => {
  const { usage, ctx } = deps
  withSettingOptions(
    clients
      .command('update')
      .description("change an application's settings (the options given; the result must hold together)")
      .argument('<client-id>')
      .option('--name <name>', 'a new name'),
  ).action((id: string, o: SettingOptions) =>
    act(async () => print(await deps.run((c) => c.update(id, settingsOf(o, usage), by, ctx)), o.json)),
  )

  clients
    .command('rotate-secret')
    .description('a new secret, printed once; the old one stops at once')
    .argument('<client-id>')
    .action((id: string) =>
      act(async () => {
        const { client, secret } = await deps.run((c) => c.rotateSecret(id, by, ctx))
        console.log(`new secret for ${client.id} (${client.name})`)
        printSecret(secret)
      }),
    )

  clients
    .command('disable')
    .description('disable an application: it signs nobody in, and every grant and token it holds ends')
    .argument('<client-id>')
    .action((id: string) =>
      act(async () => {
        const c = await deps.run((x) => x.disable(id, by, ctx))
        console.log(`${c.id} (${c.name}) disabled; its grants and tokens ended`)
      }),
    )

  clients
    .command('enable')
    .description('enable a disabled application again')
    .argument('<client-id>')
    .action((id: string) =>
      act(async () => {
        const c = await deps.run((x) => x.enable(id, by, ctx))
        console.log(`${c.id} (${c.name}) enabled`)
      }),
    )

  clients
    .command('delete')
    .description('delete an application: every grant and token it holds ends first')
    .argument('<client-id>')
    .action((id: string) =>
      act(async () => {
        const r = await deps.run((x) => x.delete(id, by, ctx))
        console.log(`${id} deleted; ${r.revokedGrants} grant${r.revokedGrants === 1 ? '' : 's'} ended`)
      }),
    )
}
