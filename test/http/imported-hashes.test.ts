import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { hash as bcryptHash } from '@node-rs/bcrypt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PasswordHasher } from '../../src/modules/accounts/password-hasher.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  metricsText,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

/*
 * Accounts whose password hash was imported (a kept bcrypt, a wrapped salted MD5) log in over
 * HTTP with their old password, which replaces the hash with a plain argon2id at once; a wrong
 * password answers invalid_credentials like any account's. The imported hashes are counted (admin
 * stats, metrics), and a wrapped digest is nowhere in the database's files.
 */

describe.each(databaseKinds())('imported password hashes on %s', (kind) => {
  let server: TestServer
  let admin: string
  let hasher: PasswordHasher
  beforeAll(async () => {
    server = await createTestServer(kind)
    admin = await adminSession(server)
    hasher = new PasswordHasher(server.app.config.passwords.hasher)
  })
  afterAll(async () => {
    await server?.close()
  })

  const accounts = () => server.app.store.accounts
  /** A verified account whose stored hash is then replaced by an imported one, straight in the database. */
  const importedAccount = async (stored: (password: string) => Promise<string>) => {
    const { user } = await signUpAndLogin(server, freshUser('imported'))
    const account = (await accounts().findByUsername(user.username.toLowerCase()))!
    const hash = await stored(user.password)
    await accounts().setPasswordHash(account.id, hash, server.clock.now(), { changed: false })
    return { user, id: account.id, hash }
  }
  const viaBcrypt = async (password: string) =>
    hasher.storedFromImport({ format: 'bcrypt', hash: await bcryptHash(password, 4) })
  const md5Of = (salt: string, password: string) =>
    createHash('md5')
      .update(salt + password)
      .digest('hex')
  const viaMd5 = (password: string) =>
    hasher.storedFromImport({
      format: 'md5',
      hash: md5Of('pepper-free salt', password),
      salt: 'pepper-free salt',
    })
  const login = (identifier: string, password: string) =>
    call(server, 'POST', '/v1/sessions', { body: { identifier, password } })
  const rehashedEvents = async (id: string) =>
    (await server.app.store.events.listForAccount(id, 50)).filter((e) => e.type === 'authn_password_rehashed')
  const importedStats = async () =>
    (await call(server, 'GET', '/v1/admin/stats?window=hour', { token: admin })).json.imported_password_hashes

  it.each([
    ['bcrypt', viaBcrypt],
    ['wrap-md5', viaMd5],
  ] as const)(
    'logs in with a %s hash, which becomes argon2id at once, and refuses a wrong password',
    async (scheme, via) => {
      const { user, id, hash } = await importedAccount(via)
      expect(hash.startsWith(`$gh$${scheme}$`)).toBe(true)

      const wrong = await login(user.username, `${user.password}!`)
      expect(wrong.status).toBe(401)
      expect(wrong.json.code).toBe('invalid_credentials')
      expect((await accounts().findById(id))!.passwordHash).toBe(hash)

      const last = (await server.app.store.events.listForAccount(id, 1))[0]!.id
      const right = await login(user.username, user.password)
      expect(right.status).toBe(201)
      // The login's events are written together at its end, in the order they happened.
      const written = (await server.app.store.events.listForAccount(id, 50))
        .filter((e) => e.id > last)
        .reverse()
      const types = written.map((e) => e.type)
      expect(types[0]).toBe('authn_password_rehashed')
      expect(types.at(-1)).toBe('authn_login_success')
      expect(types.indexOf('authn_device_new')).toBeGreaterThan(0)
      expect(written.map((e) => e.at)).toEqual([...written.map((e) => e.at)].sort((x, y) => x - y))
      const now = (await accounts().findById(id))!.passwordHash
      expect(now).toMatch(/^\$argon2id\$v=19\$/)
      expect(hasher.needsRehash(now)).toBe(false)
      expect(await rehashedEvents(id)).toHaveLength(1)
      expect((await login(user.username, user.password)).status).toBe(201)
      expect(await rehashedEvents(id)).toHaveLength(1)
    },
  )

  it('checks re-authentication, the current password and reuse against an imported hash', async () => {
    const { user, id } = await importedAccount(viaMd5)
    const token = (await login(user.username, user.password)).json.token as string
    // Put an imported hash back under the open session: change and reuse checks read it.
    await accounts().setPasswordHash(id, await viaBcrypt(user.password), server.clock.now(), {
      changed: false,
    })
    const reauth = (password: string) =>
      call(server, 'POST', '/v1/sessions/current/reauth', { token, body: { password } })
    expect((await reauth(`${user.password}x`)).json.code).toBe('invalid_credentials')
    expect((await reauth(user.password)).status).toBe(200)
    const change = (current: string, next: string) =>
      call(server, 'POST', '/v1/me/password', {
        token,
        body: { current_password: current, new_password: next },
      })
    expect((await change(`${user.password}?`, 'violet harbour 42 compass')).json.code).toBe(
      'invalid_credentials',
    )
    expect((await change(user.password, user.password)).json.code).toBe('password_reused')
    const done = await change(user.password, 'violet harbour 42 compass')
    expect(done.status).toBe(200)
    expect((await accounts().findById(id))!.passwordHash).toMatch(/^\$argon2id\$/)
  })

  it('counts the imported hashes left by format: admin stats and the gauge', async () => {
    const before = await importedStats()
    await importedAccount(viaBcrypt)
    await importedAccount(viaMd5)
    expect(await importedStats()).toEqual(before) // the figure is held a minute
    server.clock.advance(61_000)
    const after = await importedStats()
    expect(after.by_format.bcrypt).toBe(before.by_format.bcrypt + 1)
    expect(after.by_format['wrap-md5']).toBe(before.by_format['wrap-md5'] + 1)
    expect(after.total).toBe(before.total + 2)
    expect(after.by_format['firebase-scrypt']).toBe(0)
    const text = await metricsText(server)
    expect(text).toContain(`gatehouse_accounts_imported_hash{format="bcrypt"} ${after.by_format.bcrypt}`)
    expect(text).toContain(
      `gatehouse_accounts_imported_hash{format="wrap-md5"} ${after.by_format['wrap-md5']}`,
    )
  })

  it.runIf(kind === 'sqlite')('keeps no wrapped MD5 digest in the database files', async () => {
    const { user, id, hash } = await importedAccount(viaMd5)
    const digest = Buffer.from(md5Of('pepper-free salt', user.password), 'hex')
    expect((await accounts().findById(id))!.passwordHash).toBe(hash)
    const files = readdirSync(server.db.dataDir).filter((f) => f.startsWith('gatehouse.sqlite'))
    expect(files).toContain('gatehouse.sqlite')
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(server.db.dataDir, f))))
    expect(bytes.length).toBeGreaterThan(0)
    for (const form of [
      digest.toString('hex'),
      digest.toString('hex').toUpperCase(),
      digest.toString('base64'),
    ]) {
      expect(bytes.includes(Buffer.from(form))).toBe(false)
    }
    expect(bytes.includes(digest)).toBe(false)
    // The search itself finds what is there: the wrapped hash's own salt.
    expect(bytes.includes(Buffer.from(Buffer.from('pepper-free salt').toString('base64url')))).toBe(true)
  })
})
