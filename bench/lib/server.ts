import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { request, targetOf } from './http.js'

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

export interface RunningServer {
  child: ChildProcess
  baseUrl: string
  /** Where its metrics listener answers `GET /metrics` (a port of its own on loopback). */
  metricsUrl: string
  /** The last lines the server wrote (stdout and stderr), for diagnostics. */
  logs: string[]
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL when it has not exited after `graceMs`. Resolves once it has exited. */
  stop(graceMs?: number): Promise<void>
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

/**
 * Starts `node dist/cli.js serve` with only `env` (and PATH), so every other setting is the default.
 * The port is chosen here, because at log level `warn` the server does not log where it listens;
 * it counts as started when it logs "gatehouse listening" or answers GET /healthz.
 */
export const startServer = async (
  env: Record<string, string>,
  timeoutMs = 30_000,
  /** Another build's CLI (an earlier version: bench/lib/baseline.ts). */
  cli = CLI,
): Promise<RunningServer> => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm run bench does)`)
  const port = await freePort()
  const metricsPort = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const metricsUrl = `http://127.0.0.1:${metricsPort}`
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_METRICS_PORT: String(metricsPort),
      GATEHOUSE_SHUTDOWN_GRACE_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null)
      resolve(exitCode)
    }),
  )
  let listening = false
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      logs.push(line)
      if (logs.length > 200) logs.shift()
      if (line.includes('"gatehouse listening"')) listening = true
    }
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)

  const stop = async (graceMs = 10_000) => {
    if (exitCode !== undefined) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }

  const agent = new http.Agent({ keepAlive: false })
  const deadline = Date.now() + timeoutMs
  try {
    while (!listening) {
      if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}:\n${logs.join('\n')}`)
      if (Date.now() > deadline)
        throw new Error(`server did not start in ${timeoutMs} ms:\n${logs.join('\n')}`)
      const reply = await request(targetOf(baseUrl), {
        method: 'GET',
        path: '/healthz',
        agent,
        timeoutMs: 1000,
      })
      if (reply.status === 200) break
      await new Promise((r) => setTimeout(r, 100))
    }
  } catch (err) {
    await stop(2000)
    throw err
  } finally {
    agent.destroy()
  }
  return { child, baseUrl, metricsUrl, logs, exited, stop }
}
