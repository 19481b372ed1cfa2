/**
 * `npm run example:browser`: the browser sign-in example on http://localhost:3100. At start it
 * bundles the page (app.ts, with @gatehouse/client) and the proof-of-work worker with esbuild, then
 * serves them and passes /v1 (and /oidc) on to Gatehouse, so that the page and the API share one
 * origin and Gatehouse's session cookie works as it does on a real site.
 *
 *   GATEHOUSE_URL   where Gatehouse listens (default http://127.0.0.1:4455, `npm start`'s port)
 *   PORT            this example's port (default 3100)
 */
import { existsSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
// In this repository the page is built from the client's sources (no package build needed); an
// application imports the installed @gatehouse/client instead.
const clientSources = join(root, 'packages', 'client', 'src')

const bundle = async (entry) => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
    ...(existsSync(clientSources) ? { alias: { '@gatehouse/client': join(clientSources, 'index.ts') } } : {}),
  })
  return result.outputFiles[0].text
}

/** The worker script: the package's, beside the page (where `pow.workerUrl` points). */
const workerEntry = () =>
  existsSync(clientSources)
    ? join(clientSources, 'pow-worker.ts')
    : fileURLToPath(import.meta.resolve('@gatehouse/client/pow-worker.js'))

const PROXIED = /^\/(v1|oidc)(\/|\?|$)/

/** Passes a request on to Gatehouse as it came (cookies, Origin, Sec-Fetch-Site) and its answer back. */
const proxy = (target, req, res) => {
  const url = new URL(req.url, target)
  const headers = { ...req.headers, host: url.host }
  const upstream = http.request(url, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  })
  upstream.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
    res.end(`Gatehouse at ${target} could not be reached: ${e.message}`)
  })
  req.pipe(upstream)
}

/**
 * Starts the example: resolves with its URL and a close(). `requests` counts the page's own
 * files as they are fetched (the worker script among them).
 */
export const startExample = async ({
  gatehouseUrl = process.env.GATEHOUSE_URL ?? 'http://127.0.0.1:4455',
  port = Number(process.env.PORT ?? 3100),
  host = '127.0.0.1',
} = {}) => {
  const files = {
    '/': ['text/html; charset=utf-8', readFileSync(join(here, 'index.html'), 'utf8')],
    '/app.js': ['text/javascript', await bundle(join(here, 'app.ts'))],
    '/pow-worker.js': ['text/javascript', await bundle(workerEntry())],
  }
  const requests = new Map()
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (PROXIED.test(path)) return proxy(gatehouseUrl, req, res)
    const file = files[path]
    if (!file || req.method !== 'GET') return res.writeHead(404).end()
    requests.set(path, (requests.get(path) ?? 0) + 1)
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1])
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const url = `http://localhost:${server.address().port}`
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const gatehouseUrl = process.env.GATEHOUSE_URL ?? 'http://127.0.0.1:4455'
  const example = await startExample({ gatehouseUrl })
  console.log(`Browser sign-in example on ${example.url} (Gatehouse: ${gatehouseUrl})`)
  console.log(
    `For passkeys, Gatehouse must accept this origin: GATEHOUSE_WEBAUTHN_ORIGINS=${example.url} (and GATEHOUSE_WEBAUTHN_RP_ID=localhost).`,
  )
}
