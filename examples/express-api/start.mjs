/**
 * `npm run example:api`: builds @gatehouse/server when it has no build yet, registers the API's
 * introspection client with the local Gatehouse (once; kept in <data folder>/express-api-example.json,
 * readable by you alone) and starts the API on http://127.0.0.1:3001. Gatehouse must be running
 * (`npm start`) on the same data folder (GATEHOUSE_DATA_DIR, default ./data) or DATABASE_URL.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist', 'cli.js')
const dataDir = process.env.GATEHOUSE_DATA_DIR ?? join(root, 'data')
const saved = join(dataDir, 'express-api-example.json')

if (!existsSync(join(root, 'packages', 'server', 'dist', 'index.js'))) {
  const built = spawnSync('npm', ['run', 'build', '-w', '@gatehouse/server'], { cwd: root, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

/** `gatehouse oidc clients …`, its JSON answer, or the error it printed. */
const gatehouse = (args) => {
  const r = spawnSync(process.execPath, [cli, 'oidc', 'clients', ...args, '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { GATEHOUSE_LOG_LEVEL: 'warn', ...process.env },
  })
  return r.status === 0 ? { json: JSON.parse(r.stdout) } : { error: (r.stderr || r.stdout).trim() }
}

/** The introspection client's credentials: kept from an earlier run, or registered now; null without the CLI. */
const introspectionClient = () => {
  if (!existsSync(cli)) {
    console.warn(
      'dist/cli.js is missing (start Gatehouse with `npm start`): opaque access tokens will be refused.',
    )
    return null
  }
  if (existsSync(saved)) {
    const kept = JSON.parse(readFileSync(saved, 'utf8'))
    const shown = gatehouse(['show', kept.client_id])
    if (shown.json && shown.json.disabled_at === null) return kept
  }
  const made = gatehouse([
    'create',
    '--name',
    'Example API',
    '--description',
    'examples/express-api: introspects the opaque access tokens presented to it',
    '--first-party',
    '--scopes',
    'openid',
    '--grant-types',
    'client_credentials',
  ])
  if (!made.json) {
    console.warn(
      `could not register the example API's introspection client (opaque tokens will be refused):\n${made.error}`,
    )
    return null
  }
  const kept = { client_id: made.json.client_id, client_secret: made.json.client_secret }
  writeFileSync(saved, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 })
  console.log(`registered the example API's introspection client as ${kept.client_id} (kept in ${saved})`)
  return kept
}

const client = introspectionClient()
const api = spawn(process.execPath, [join(root, 'examples', 'express-api', 'server.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    GATEHOUSE_URL: process.env.GATEHOUSE_URL ?? process.env.GATEHOUSE_PUBLIC_URL ?? 'http://localhost:4455',
    ...(client
      ? { INTROSPECTION_CLIENT_ID: client.client_id, INTROSPECTION_CLIENT_SECRET: client.client_secret }
      : {}),
  },
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => api.kill(signal))
api.on('exit', (code) => process.exit(code ?? 0))
