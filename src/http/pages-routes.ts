import { readFileSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import type { BrandingSettings } from '../config/sections/branding.js'
import { AppError } from '../kernel/errors.js'
import type { HttpServer } from './server.js'
import { type Asset, builtDir, loadAssets } from './static-files.js'

/** Where `vite build` put the account pages: dist/pages. */
export const defaultPagesDir = (): string | null => builtDir('pages')

/**
 * The paths of the account pages: the ones mails link to (verify-email, confirm-email,
 * reset-password, not-me, lock-account, security, cancel-deletion) and the ones people open themselves. Each
 * answers the same index.html; the app picks the screen from the path.
 */
export const PAGE_PATHS = [
  '/sign-in',
  '/sign-up',
  '/verify-email',
  '/confirm-email',
  '/forgot-password',
  '/reset-password',
  '/not-me',
  '/lock-account',
  '/security',
  '/consent',
  '/cancel-deletion',
] as const

/** Where a configured CAPTCHA's widget comes from: its script and frame, and nothing else. */
const CAPTCHA_SOURCES: Record<string, string[]> = {
  turnstile: ['https://challenges.cloudflare.com'],
  hcaptcha: ['https://hcaptcha.com', 'https://*.hcaptcha.com'],
}

/**
 * The pages' Content-Security-Policy: like the console's (the build's own files, no inline code,
 * API calls to this origin only, never framed), plus the CAPTCHA provider's script and frame when
 * one is configured.
 */
export const pagesCsp = (captchaProvider: string | null): string => {
  const captcha = (captchaProvider && CAPTCHA_SOURCES[captchaProvider]) || []
  return [
    "default-src 'none'",
    ["script-src 'self'", ...captcha].join(' '),
    "style-src 'self'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...captcha].join(' '),
    ...(captcha.length ? [['frame-src', ...captcha].join(' ')] : []),
    "worker-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ')
}

const LOGO_TYPES: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png' }
const LOGO_MAX_BYTES = 256 * 1024

/** The configured logo, read once at start; a missing, large or unknown file stops the start with one line. */
export const loadLogo = (file: string | null): Asset | null => {
  if (!file) return null
  const type = LOGO_TYPES[extname(file).toLowerCase()]
  if (!type)
    throw new Error(`GATEHOUSE_BRAND_LOGO_FILE must be an .svg or .png file (got ${extname(file) || 'none'})`)
  let size: number
  try {
    size = statSync(file).size
  } catch {
    throw new Error('GATEHOUSE_BRAND_LOGO_FILE names a file that cannot be read')
  }
  if (size > LOGO_MAX_BYTES) throw new Error('GATEHOUSE_BRAND_LOGO_FILE is larger than 256 KiB')
  return { body: readFileSync(file), type, hashed: false }
}

/**
 * Serves the built account pages: index.html at every path of PAGE_PATHS (and `/` sends to
 * sign-in), the build's files under /pages/, the logo at /pages/brand/logo. Every answer carries
 * the strict CSP; an SVG logo gets a CSP of its own that runs nothing. Hashed assets are cached for
 * a year as immutable, index.html is revalidated every time.
 */
export const pagesRoutes = async (
  app: HttpServer,
  opts: { dir?: string | null; branding: BrandingSettings; captchaProvider: string | null },
): Promise<void> => {
  const dir = opts.dir === undefined ? defaultPagesDir() : opts.dir
  const files = dir ? loadAssets(dir) : new Map<string, Asset>()
  const index = files.get('index.html')
  const logo = loadLogo(opts.branding.logoFile)
  const csp = pagesCsp(opts.captchaProvider)

  const send = (reply: FastifyReply, asset: Asset) =>
    reply
      .header('content-security-policy', csp)
      .header('cache-control', asset.hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .type(asset.type)
      .send(asset.body)

  const page = (reply: FastifyReply) => {
    if (!index)
      throw new AppError('not_found', { detail: 'The account pages are not built: run npm run build' })
    return send(reply, index)
  }

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/sign-in', 302))
  for (const path of PAGE_PATHS) {
    app.get(path, { schema: { hide: true } }, async (_req, reply) => page(reply))
  }
  app.get('/pages/brand/logo', { schema: { hide: true } }, async (_req, reply) => {
    if (!logo) throw new AppError('not_found', { detail: 'No logo is configured' })
    return reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('cache-control', 'public, max-age=300')
      .type(logo.type)
      .send(logo.body)
  })
  app.get(
    '/pages/*',
    { schema: { hide: true, params: z.object({ '*': z.string().max(512) }) } },
    async (req, reply) => {
      const path = req.params['*']
      const asset = path === 'index.html' ? undefined : files.get(path)
      if (!asset) throw new AppError('not_found', { detail: 'No such page file' })
      return send(reply, asset)
    },
  )
}
