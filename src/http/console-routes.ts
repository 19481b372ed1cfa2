import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import { AppError } from '../kernel/errors.js'
import type { HttpServer } from './server.js'
import { type Asset, builtDir, loadAssets } from './static-files.js'

/** Where `vite build` put the console: dist/console, seen from dist/http or from src/http. */
export const defaultConsoleDir = (): string | null => builtDir('console')

/**
 * The admin console's Content-Security-Policy: the built app's own scripts and styles only, no
 * inline code, API calls to this origin only, never framed.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

/**
 * Serves the built admin console at /console: files of the build as they are, any other path under
 * /console the app's index.html (the app routes in the browser). Every answer carries the strict
 * CSP; hashed assets are cached for a year as immutable, index.html is revalidated every time.
 */
export const consoleRoutes = async (app: HttpServer, opts: { dir?: string | null } = {}): Promise<void> => {
  const dir = opts.dir === undefined ? defaultConsoleDir() : opts.dir
  const files = dir ? loadAssets(dir) : new Map<string, Asset>()
  const index = files.get('index.html')

  const send = (reply: FastifyReply, asset: Asset) =>
    reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('cache-control', asset.hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .type(asset.type)
      .send(asset.body)

  const serve = (path: string, reply: FastifyReply) => {
    const asset = files.get(path)
    if (asset) return send(reply, asset)
    // A missing file under assets/ is a stale or wrong link: a plain 404, not the app.
    if (path.startsWith('assets/') || !index) {
      throw new AppError('not_found', {
        detail: index ? 'No such console file' : 'The console is not built: run npm run build',
      })
    }
    return send(reply, index)
  }

  app.get('/console', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/', 302))
  app.get('/console/', { schema: { hide: true } }, async (_req, reply) => serve('index.html', reply))
  app.get(
    '/console/*',
    { schema: { hide: true, params: z.object({ '*': z.string().max(512) }) } },
    async (req, reply) => serve(req.params['*'], reply),
  )
}
