/*
 * Packing the service and the two packages as npm would publish them, and installing a tarball in
 * an empty folder as a user would. Installs come from the npm cache the checkout's `npm ci` filled
 * (`--prefer-offline`), and the SQLite driver's native addon from a local prebuild of the one this
 * checkout compiled (prebuild-install's `local-prebuilds`, as on a machine without a download
 * host): the same addon, not compiled a second time.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** What `npm run build` writes, which every tarball ships. */
const BUILT = [
  'dist/cli.js',
  'dist/console/index.html',
  'dist/pages/index.html',
  'packages/client/dist/index.js',
  'packages/client/dist/pow-worker.js',
  'packages/server/dist/index.js',
]

export const assertBuilt = () => {
  const missing = BUILT.filter((p) => !existsSync(join(ROOT, p)))
  if (missing.length > 0) throw new Error(`not built (run \`npm run build\`): ${missing.join(', ')}`)
}

/** Packs the service (no workspace) or one package into `dir`; returns the tarball's path. */
export const pack = async (dir: string, workspace?: string): Promise<string> => {
  const args = ['pack', '--ignore-scripts', '--json', '--pack-destination', dir]
  if (workspace) args.push('--workspace', workspace)
  const { stdout } = await run('npm', args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[]
  if (!info) throw new Error('npm pack printed nothing')
  return join(dir, info.filename)
}

/** The files a tarball holds, as `npm pack --dry-run` lists them. */
export const packedFiles = async (workspace?: string): Promise<string[]> => {
  const args = ['pack', '--dry-run', '--ignore-scripts', '--json']
  if (workspace) args.push('--workspace', workspace)
  const { stdout } = await run('npm', args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
  const [info] = JSON.parse(stdout) as { files: { path: string }[] }[]
  return (info?.files ?? []).map((f) => f.path)
}

/** A prebuild tarball of the SQLite addon this checkout built, where prebuild-install looks for one. */
const localPrebuilds = async (base: string): Promise<string> => {
  const dir = join(base, 'prebuilds')
  mkdirSync(dir, { recursive: true })
  const version = (
    await import(join(ROOT, 'node_modules/better-sqlite3/package.json'), { with: { type: 'json' } })
  ).default.version as string
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
  await run('tar', ['czf', join(dir, name), 'build/Release/better_sqlite3.node'], {
    cwd: join(ROOT, 'node_modules/better-sqlite3'),
  })
  return dir
}

/** An empty folder with a package.json, as `npm init -y` leaves it. */
export const emptyProject = (name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `gatehouse-${name}-`))
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', type: 'module', private: true })}\n`,
  )
  return dir
}

/** `npm install <tarballs>` in `dir`; resolves with the time it took (ms). */
export const install = async (dir: string, tarballs: string[]): Promise<number> => {
  const started = Date.now()
  const prebuilds = await localPrebuilds(dir)
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], {
    cwd: dir,
    env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  })
  return Date.now() - started
}
