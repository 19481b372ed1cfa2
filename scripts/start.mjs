#!/usr/bin/env node
/**
 * `npm start`: builds (`npm run build`) only when dist/ is missing or older than a source file, then
 * runs `gatehouse serve` in this process. On a fresh clone `npm ci && npm start` builds once; later
 * starts take no build.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = [
  'src',
  'console',
  'pages',
  'packages',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
]
/** What a build writes last of each of its steps: the server (tsc), the console and the account pages (vite). */
const OUTPUTS = ['dist/cli.js', 'dist/console/index.html', 'dist/pages/index.html']

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs
  } catch {
    return null
  }
}

/** The newest modification time under `path` (a file or a folder; node_modules and dist left out). */
const newest = (path) => {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  let max = stat.mtimeMs
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue
    max = Math.max(max, newest(join(path, entry)))
  }
  return max
}

const built = Math.min(...OUTPUTS.map((p) => mtime(join(root, p)) ?? -1))
const changed = Math.max(...SOURCES.map((p) => newest(join(root, p))))
if (built < changed) {
  console.error(built < 0 ? 'gatehouse: building (first start)…' : 'gatehouse: sources changed: building…')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

process.argv = [process.argv[0], join(root, 'dist', 'cli.js'), 'serve', ...process.argv.slice(2)]
await import(pathToFileURL(join(root, 'dist', 'cli.js')).href)
