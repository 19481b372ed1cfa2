/**
 * `npm run example:oidc`: registers the example application with the local Gatehouse (once; its
 * client_id and secret are kept in <data folder>/oidc-example-app.json, readable by you alone) and
 * starts it on http://localhost:3000. Gatehouse must be running (`npm start`) on the same data
 * folder (GATEHOUSE_DATA_DIR, default ./data) or DATABASE_URL.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist', 'cli.js')
const dataDir = process.env.GATEHOUSE_DATA_DIR ?? join(root, 'data')
const saved = join(dataDir, 'oidc-example-app.json')
const appUrl = process.env.APP_URL ?? 'http://localhost:3000'
const issuer = process.env.OIDC_ISSUER ?? process.env.GATEHOUSE_PUBLIC_URL ?? 'http://localhost:4455'

if (!existsSync(cli)) {
  console.error(
    'dist/cli.js is missing: start Gatehouse first with `npm start` (it builds), then run this again.',
  )
  process.exit(1)
}

/** `gatehouse oidc clients …`, its JSON answer; null when it failed (a missing client, say). */
const gatehouse = (args) => {
  const r = spawnSync(process.execPath, [cli, 'oidc', 'clients', ...args, '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { GATEHOUSE_LOG_LEVEL: 'warn', ...process.env },
  })
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim() }
  return { json: JSON.parse(r.stdout) }
}

const reuse = () => {
  if (!existsSync(saved)) return null
  const kept = JSON.parse(readFileSync(saved, 'utf8'))
  const shown = gatehouse(['show', kept.client_id])
  if (!shown.json || shown.json.disabled_at !== null) return null
  return kept
}

const register = () => {
  const made = gatehouse([
    'create',
    '--name',
    'Example application',
    '--description',
    'examples/oidc-app: signs in with Gatehouse and shows what the sign-in proved',
    '--first-party',
    '--redirect-uri',
    `${new URL('/callback', appUrl).href}`,
    '--post-logout-uri',
    `${new URL('/', appUrl).href}`,
    '--scopes',
    'openid,profile,email',
    '--grant-types',
    'authorization_code',
  ])
  if (!made.json) {
    console.error(`could not register the example application:\n${made.error}`)
    process.exit(1)
  }
  const kept = { client_id: made.json.client_id, client_secret: made.json.client_secret }
  writeFileSync(saved, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 })
  console.log(`registered the example application as ${kept.client_id} (kept in ${saved})`)
  return kept
}

const client = reuse() ?? register()
const app = spawn(process.execPath, [join(root, 'examples', 'oidc-app', 'server.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: client.client_id,
    OIDC_CLIENT_SECRET: client.client_secret,
    APP_URL: appUrl,
  },
})
console.log(`Open ${appUrl} and choose "Sign in with Gatehouse" (Ctrl-C stops it).`)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal))
app.on('exit', (code) => process.exit(code ?? 0))
