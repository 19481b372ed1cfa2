/**
 * A floor for benchmarks of JSON endpoints: a bare `node:http` server that answers each path with a
 * fixed JSON body given at start (`BARE_BODIES`: a JSON object of path → body text), and nothing else —
 * no routing beyond the path, no parsing, no database. A request body is read and dropped. Started by
 * bench/lib/child-server.ts.
 */
import http from 'node:http'
import { serveToParent } from './child-server.js'

const bodies = new Map(
  Object.entries(JSON.parse(process.env.BARE_BODIES ?? '{}') as Record<string, string>).map(([p, b]) => [
    p,
    Buffer.from(b),
  ]),
)
const fallback = Buffer.from('{"ok":true}')

const server = http.createServer((req, res) => {
  const body = bodies.get(new URL(req.url ?? '/', 'http://x').pathname) ?? fallback
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
    res.end(body)
  })
})
serveToParent(server)
