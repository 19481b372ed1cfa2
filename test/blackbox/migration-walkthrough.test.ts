import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { hash as bcryptHash } from '@node-rs/bcrypt'
import pg from 'pg'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { CLI, requireBuild } from '../helpers/process.js'

/*
 * docs/migration.md's "A migration end to end", as written: the old application's table (its SQL
 * block) in a scratch PostgreSQL database holding bcrypt users, the export (psql \copy), the import
 * and the count of imported hashes (the shell blocks, run by bash with `gatehouse` on the PATH), a
 * sign-in with an old password, and the count again, one lower.
 */

const doc = readFileSync(new URL('../../docs/migration.md', import.meta.url), 'utf8')
const section = doc.slice(
  doc.indexOf('## A migration end to end'),
  doc.indexOf('\n## ', doc.indexOf('## A migration end to end') + 5),
)
const blocks = (lang: string) =>
  [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!)

const base = process.env.TEST_DATABASE_URL
if (!base)
  console.warn('\n*** TEST_DATABASE_URL is not set: the migration walkthrough (PostgreSQL) is SKIPPED ***\n')

const USERS = [
  { login: 'ada', email: 'ada@old-app.example', confirmed: true, password: 'analytical engine 1843' },
  { login: 'grace', email: 'grace@old-app.example', confirmed: true, password: 'compiler on a harvard mark' },
  { login: 'linus', email: 'linus@old-app.example', confirmed: false, password: 'just a hobby, nothing big' },
]

const bash = (script: string, cwd: string, env: Record<string, string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

describe.skipIf(!base)('docs/migration.md: a migration end to end', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'gatehouse-walkthrough-'))
  const oldDb = `gh_old_app_${randomBytes(4).toString('hex')}`
  let oldUrl = ''
  let env: Record<string, string> = {}
  const admin = () => new pg.Client({ connectionString: base })

  beforeAll(async () => {
    requireBuild()
    const c = admin()
    await c.connect()
    await c.query(`create database ${oldDb}`)
    await c.end()
    const url = new URL(base!)
    url.pathname = `/${oldDb}`
    oldUrl = url.toString()
    const old = new pg.Client({ connectionString: oldUrl })
    await old.connect()
    await old.query(blocks('sql')[0]!)
    for (const u of USERS) {
      await old.query(
        'insert into users (login, email, email_confirmed, password_digest, created_at) values ($1, $2, $3, $4, $5)',
        [u.login, u.email, u.confirmed, await bcryptHash(u.password, 4), new Date('2021-05-04T10:00:00Z')],
      )
    }
    await old.end()
    // `gatehouse` as an installed package puts it on the PATH.
    const bin = join(dir, 'bin')
    await bash(`mkdir -p ${bin}`, dir, { PATH: process.env.PATH ?? '' })
    writeFileSync(join(bin, 'gatehouse'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`)
    chmodSync(join(bin, 'gatehouse'), 0o755)
    env = {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      OLD_DATABASE_URL: oldUrl,
      GATEHOUSE_DATA_DIR: join(dir, 'data'),
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
      GATEHOUSE_LOG_LEVEL: 'warn',
    }
  }, 60_000)

  afterAll(async () => {
    const c = admin()
    await c.connect()
    await c.query(`drop database if exists ${oldDb} with (force)`)
    await c.end()
    rmSync(dir, { recursive: true, force: true })
  })

  it('exports, imports, and the count of imported hashes falls as users sign in', async () => {
    const [exportStep, importStep, watchStep] = blocks('sh')
    expect(exportStep).toContain('\\copy')
    expect(importStep).toContain('gatehouse accounts import users.csv')
    expect(watchStep?.trim()).toBe('gatehouse accounts imports')

    const exported = await bash(exportStep!, dir, env)
    expect(exported.code, exported.stderr).toBe(0)
    const csv = readFileSync(join(dir, 'users.csv'), 'utf8')
    expect(csv.split('\n')[0]).toBe('id,login,email,confirmed,created,password_digest')
    expect(csv).toMatch(/\$2b\$04\$/)

    const imported = await bash(importStep!, dir, env)
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toMatch(/completed: 3 rows read, 3 created, 0 already present, 0 bad/)
    const before = await bash(watchStep!, dir, env)
    expect(before.stdout).toContain('accounts still holding an imported password hash: 3 (bcrypt 3)')

    // Run again (as after a crash): nothing is created twice.
    const again = await bash(importStep!, dir, env)
    expect(again.stdout).toMatch(/completed: 3 rows read, 0 created, 3 already present, 0 bad/)

    const app = await createApp(loadConfig({ ...env, GATEHOUSE_PORT: '0' }), {
      logger: pino({ level: 'warn' }),
      manualWorkers: true,
    })
    try {
      const signIn = (identifier: string, password: string) =>
        app.http.inject({
          method: 'POST',
          url: '/v1/sessions',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ identifier, password }),
        })
      expect((await signIn('ada', 'not the old password')).statusCode).toBe(401)
      const ok = await signIn('ada@old-app.example', USERS[0]!.password)
      expect(ok.statusCode, ok.body).toBe(201)
      const account = await app.store.accounts.findByUsername('ada')
      expect(account?.passwordHash).toMatch(/^\$argon2id\$/)
      expect(account?.emailVerifiedAt).not.toBeNull()
      expect((await app.store.accounts.findByUsername('linus'))?.emailVerifiedAt).toBeNull()
    } finally {
      await app.close()
    }
    const after = await bash(watchStep!, dir, env)
    expect(after.stdout).toContain('accounts still holding an imported password hash: 2 (bcrypt 2)')
    // The documented example output is what the command prints.
    expect(section).toContain(after.stdout.split('\n').at(-2)!)
  }, 120_000)
})
