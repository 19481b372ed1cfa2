import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/*
 * The built browser apps Gatehouse serves itself (the admin console, the account pages): every file
 * read once at start, so that requests never touch the file system.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
}

/** Where `vite build` put the console: dist/console, seen from dist/http or from src/http. */
export const defaultConsoleDir = (): string | null => {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const dir of [join(here, '..', 'console'), join(here, '..', '..', 'dist', 'console')]) {
    if (existsSync(join(dir, 'index.html'))) return dir
  }
  return null
}

export interface Asset {
  body: Buffer
  type: string
  /** Under assets/: the name carries a content hash, so it never changes. */
  hashed: boolean
}

/** Every file of the build, read once at start: requests never touch the file system (no traversal). */
export const loadAssets = (dir: string): Map<string, Asset> => {
  const files = new Map<string, Asset>()
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      // Build metadata (.vite/manifest.json) is not served.
      if (name.startsWith('.')) continue
      const full = join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else {
        const path = relative(dir, full).split(sep).join('/')
        files.set(path, {
          body: readFileSync(full),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          hashed: path.startsWith('assets/'),
        })
      }
    }
  }
  walk(dir)
  return files
}

/** Where `vite build` put an app (`console`, `pages`): dist/<name>, seen from dist/http or from src/http. */
export const builtDir = (name: string): string | null => {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const dir of [join(here, '..', name), join(here, '..', '..', 'dist', name)]) {
    if (existsSync(join(dir, 'index.html'))) return dir
  }
  return null
}
