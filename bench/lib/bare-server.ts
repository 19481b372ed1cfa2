/**
 * The floor of the session benchmark: a bare `node:http` server that answers every request with the same
 * small JSON body (about the size of a session answer's head), and nothing else — no routing, no
 * parsing, no database. Started by bench/lib/child-server.ts; writes `listening <url>` once it listens.
 */
import http from 'node:http'
import { serveToParent } from './child-server.js'

const body = Buffer.from(
  JSON.stringify({ account: { id: '01J00000000000000000000000', username: 'bench' }, ok: true }),
)

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
  res.end(body)
})
serveToParent(server)
