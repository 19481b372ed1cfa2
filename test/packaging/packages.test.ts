import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createListeningServer } from '../helpers/oidc-server.js'
import { signUpAndLogin } from '../helpers/server.js'
import { assertBuilt, emptyProject, install, pack, packedFiles } from './pack.js'

const run = promisify(execFile)
const folders: string[] = []
let tarballs: { service: string; client: string; server: string }

beforeAll(async () => {
  assertBuilt()
  const dir = emptyProject('tarballs')
  folders.push(dir)
  const [service, client, server] = await Promise.all([
    pack(dir),
    pack(dir, '@gatehouse/client'),
    pack(dir, '@gatehouse/server'),
  ])
  tarballs = { service, client, server }
}, 120_000)

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

describe('what the tarballs hold', () => {
  it('the service: the built server, console and pages, and nothing of the sources, tests or data', async () => {
    const files = await packedFiles()
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/cli.js']))
    expect(files.some((f) => f.startsWith('dist/console/'))).toBe(true)
    expect(files.some((f) => f.startsWith('dist/pages/'))).toBe(true)
    const stray = files.filter(
      (f) => /^(src|test|bench|data|packages|console\/src|pages\/src|\.ci)\//.test(f) || /\.env/.test(f),
    )
    expect(stray).toEqual([])
  })

  it.each(['@gatehouse/client', '@gatehouse/server'])(
    '%s: its ESM build with types and its README',
    async (name) => {
      const files = await packedFiles(name)
      expect(files).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
      )
      expect(
        files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md'].includes(f)),
      ).toEqual([])
      expect(files.filter((f) => f.endsWith('.test.js'))).toEqual([])
    },
  )
})

/** Starts `npx gatehouse serve` in `dir` on a free port; resolves with its address once it listens. */
const serve = (dir: string): Promise<{ child: ChildProcess; origin: string; log: () => string }> =>
  new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'gatehouse', 'serve'], {
      cwd: dir,
      env: {
        ...process.env,
        GATEHOUSE_PORT: '0',
        GATEHOUSE_METRICS_PORT: 'off',
        GATEHOUSE_SHUTDOWN_GRACE_SECONDS: '0',
        DATABASE_URL: '',
        REDIS_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: npx runs the server as a child of its own, and both are stopped together.
      detached: true,
    })
    let out = ''
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      reject(new Error(`gatehouse serve did not listen within 30 s:\n${out}`))
    }, 30_000)
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const listening = out.split('\n').find((l) => l.includes('"msg":"gatehouse listening"'))
      const p = listening ? /"port":(\d+)/.exec(listening)?.[1] : undefined
      if (p) {
        clearTimeout(timer)
        resolve({ child, origin: `http://127.0.0.1:${p}`, log: () => out })
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`gatehouse serve exited with ${code}:\n${out}`))
    })
  })

/** Stops npx and the server it started (SIGTERM to the process group, SIGKILL after 10 s). */
const stopGroup = async (child: ChildProcess): Promise<void> => {
  if (child.pid === undefined || child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  process.kill(-child.pid, 'SIGTERM')
  const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
  // The server may outlive npx by a moment: wait until no process of the group is left.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-child.pid, 0)
    } catch {
      return
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  process.kill(-child.pid, 'SIGKILL')
}

describe('the service installed from its tarball in an empty folder', () => {
  it('`npx gatehouse serve` starts on its embedded defaults: SQLite, mail to files, the pages and the console', async () => {
    const dir = emptyProject('service')
    folders.push(dir)
    const took = await install(dir, [tarballs.service])
    console.log(`npm install of the service tarball: ${(took / 1000).toFixed(1)} s`)
    const { child, origin, log } = await serve(dir)
    try {
      expect(await (await fetch(`${origin}/healthz`)).json()).toEqual({ status: 'ok' })
      expect(await (await fetch(`${origin}/sign-in`)).text()).toContain('<div id="root">')
      expect((await fetch(`${origin}/console/`)).status).toBe(200)
      const doc = (await (await fetch(`${origin}/openapi.json`)).json()) as { info: { version: string } }
      expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/)
      // A sign-up is stored in SQLite and its verification mail written as a file.
      const email = `packed${Date.now()}@example.org`
      const res = await fetch(`${origin}/v1/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: `packed${Date.now()}`,
          email,
          password: 'tangerine orbit lantern 42',
        }),
      })
      expect(res.status, log()).toBe(202)
      const deadline = Date.now() + 15_000
      let mails: string[] = []
      while (Date.now() < deadline && mails.length === 0) {
        await new Promise((r) => setTimeout(r, 200))
        try {
          mails = readdirSync(join(dir, 'data/mail')).filter((f) => f.endsWith('.eml'))
        } catch {
          // not written yet
        }
      }
      expect(mails.length, log()).toBeGreaterThan(0)
      expect(readdirSync(join(dir, 'data'))).toContain('gatehouse.sqlite')
    } finally {
      await stopGroup(child)
    }
  }, 240_000)
})

describe('the client and server packages installed from their tarballs in an empty folder', () => {
  it('sign in with @gatehouse/client and check the session with @gatehouse/server, against a running Gatehouse', async () => {
    const dir = emptyProject('app')
    folders.push(dir)
    const took = await install(dir, [tarballs.client, tarballs.server])
    console.log(`npm install of the client and server tarballs: ${(took / 1000).toFixed(1)} s`)
    const server = await createListeningServer('sqlite')
    try {
      const { user } = await signUpAndLogin(server)
      writeFileSync(
        join(dir, 'app.mjs'),
        `import { createGatehouse, createSession, getCurrentSession, GatehouseError } from '@gatehouse/client'
import { createVerifier } from '@gatehouse/server'
const [origin, identifier, password] = process.argv.slice(2)
const gh = createGatehouse({ baseUrl: origin })
let wrong = null
try {
  await createSession(gh, { body: { identifier, password: 'not ' + password } })
} catch (e) {
  wrong = e instanceof GatehouseError ? { status: e.status, code: e.code } : String(e)
}
const created = await createSession(gh, { body: { identifier, password } })
const current = await getCurrentSession(gh)
const verifier = createVerifier({ issuer: origin })
const principal = await verifier.verify(gh.token())
await verifier.close()
console.log(JSON.stringify({ wrong, created: typeof created.token, username: current.account.username, principal }))
`,
      )
      const { stdout } = await run('node', ['app.mjs', server.origin, user.username, user.password], {
        cwd: dir,
      })
      const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        wrong: unknown
        created: string
        username: string
        principal: { kind: string; username?: string; amr: string[] }
      }
      expect(out.wrong).toEqual({ status: 401, code: 'invalid_credentials' })
      expect(out.created).toBe('string')
      expect(out.username).toBe(user.username)
      expect(out.principal).toMatchObject({ kind: 'session', amr: ['pwd'] })
    } finally {
      await server.close()
    }
  }, 240_000)
})
