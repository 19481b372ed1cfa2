/**
 * Invariant: what Gatehouse keeps on disk — the data folder, the SQLite database and its -wal and
 * -shm files, the key file, the mail and SMS folders and their files — is its owner's only
 * (folders 0700, files 0600), whatever the umask; anything found more open at start is narrowed,
 * and one warning says so.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import SQLite from 'better-sqlite3'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'

const modeOf = (path: string) => statSync(path).mode & 0o777

/** A logger that keeps its lines (warn and above). */
const capturingLogger = () => {
  const lines: Array<{ level: number; msg: string; paths?: string[] }> = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { logger: pino({ level: 'warn' }, stream), lines }
}

/** Gatehouse on SQLite in `dataDir`, with its own key file and file transports for mail and SMS. */
const start = async (dataDir: string) => {
  const { logger, lines } = capturingLogger()
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_GUARD: 'false',
  })
  const app = await createApp(config, { logger, manualWorkers: true })
  return { app, lines }
}

/** Sends one mail (a sign-up's verification) and one SMS through the file transports. */
const sendMailAndSms = async (app: App) => {
  const res = await app.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    payload: {
      username: 'filemodes',
      email: 'filemodes@example.org',
      password: 'tangerine orbit lantern 77',
    },
  })
  expect(res.statusCode).toBe(202)
  await app.store.outbox.enqueue(
    {
      channel: 'sms',
      recipient: '+14155550142',
      template: 'phone_code',
      payload: { code: '123456' },
      accountId: null,
    },
    app.clock.now(),
  )
  await app.workers.outbox.drain()
}

describe('files in the data folder', () => {
  let umask: number
  let parent: string
  let app: App | undefined
  beforeAll(() => {
    // The usual umask: without care, new files come out 0644 and folders 0755.
    umask = process.umask(0o022)
    parent = mkdtempSync(join(tmpdir(), 'gatehouse-files-'))
  })
  afterEach(async () => {
    await app?.close()
    app = undefined
  })
  afterAll(() => {
    process.umask(umask)
    rmSync(parent, { recursive: true, force: true })
  })

  it('creates the folder, database, key file, mail and SMS files for the owner only', async () => {
    const dataDir = join(parent, 'fresh', 'data')
    const started = await start(dataDir)
    app = started.app
    await sendMailAndSms(app)
    const db = join(dataDir, 'gatehouse.sqlite')
    expect(modeOf(dataDir)).toBe(0o700)
    expect(modeOf(db)).toBe(0o600)
    // WAL mode: SQLite keeps both beside the database while it is open.
    expect(modeOf(`${db}-wal`)).toBe(0o600)
    expect(modeOf(`${db}-shm`)).toBe(0o600)
    expect(modeOf(join(dataDir, 'secret.key'))).toBe(0o600)
    for (const folder of ['mail', 'sms']) {
      const dir = join(dataDir, folder)
      expect(modeOf(dir), folder).toBe(0o700)
      const files = readdirSync(dir)
      expect(files.length, folder).toBe(1)
      for (const f of files) expect(modeOf(join(dir, f)), f).toBe(0o600)
    }
    expect(started.lines.filter((l) => l.level === 40)).toEqual([])
  })

  it('narrows a data folder and files found open to others, and says so once', async () => {
    const dataDir = join(parent, 'old')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    const db = join(dataDir, 'gatehouse.sqlite')
    new SQLite(db).close()
    chmodSync(db, 0o644)
    writeFileSync(join(dataDir, 'secret.key'), `${Buffer.alloc(32, 3).toString('base64')}\n`, { mode: 0o644 })
    chmodSync(join(dataDir, 'secret.key'), 0o644)
    const mail = join(dataDir, 'mail')
    mkdirSync(mail, { mode: 0o755 })
    chmodSync(mail, 0o755)
    writeFileSync(join(mail, 'old.eml'), 'Subject: old\r\n\r\nToken: abc\r\n', { mode: 0o644 })
    chmodSync(join(mail, 'old.eml'), 0o644)
    // Other files in the folder are not Gatehouse's: left alone.
    writeFileSync(join(dataDir, 'README'), 'notes', { mode: 0o644 })
    chmodSync(join(dataDir, 'README'), 0o644)

    const started = await start(dataDir)
    app = started.app
    expect(modeOf(dataDir)).toBe(0o700)
    expect(modeOf(db)).toBe(0o600)
    expect(modeOf(join(dataDir, 'secret.key'))).toBe(0o600)
    expect(modeOf(mail)).toBe(0o700)
    expect(modeOf(join(mail, 'old.eml'))).toBe(0o600)
    expect(modeOf(join(dataDir, 'README'))).toBe(0o644)
    await sendMailAndSms(app)
    expect(modeOf(`${db}-wal`)).toBe(0o600)
    expect(modeOf(`${db}-shm`)).toBe(0o600)
    for (const f of readdirSync(mail)) expect(modeOf(join(mail, f)), f).toBe(0o600)

    const warnings = started.lines.filter((l) => l.level === 40)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.msg).toMatch(/narrowed/)
    expect(new Set(warnings[0]!.paths)).toEqual(
      new Set([dataDir, db, join(dataDir, 'secret.key'), mail, join(mail, 'old.eml')]),
    )

    // The next start finds nothing to narrow.
    await app.close()
    app = undefined
    const again = await start(dataDir)
    app = again.app
    expect(again.lines.filter((l) => l.level === 40)).toEqual([])
    expect(existsSync(db)).toBe(true)
  })
})
