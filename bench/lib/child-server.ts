/**
 * Starts a TypeScript server script from bench/lib (`node --import tsx <script>`) as a child process, so
 * that it does not share the load generator's event loop. The script listens on 127.0.0.1, port 0, and
 * writes one line `listening http://127.0.0.1:<port>` to stdout once it answers.
 */
import { spawn } from 'node:child_process'
import type http from 'node:http'
import { fileURLToPath } from 'node:url'

export interface ChildServer {
  baseUrl: string
  pid: number
  /** The last lines the child wrote, for diagnostics. */
  logs: string[]
  /** SIGTERM, then SIGKILL when it has not exited after `graceMs`. Resolves once it has exited. */
  stop(graceMs?: number): Promise<void>
}

const READY = /^listening (http:\/\/127\.0\.0\.1:\d+)$/

export const startChildServer = async (
  script: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<ChildServer> => {
  const path = fileURLToPath(new URL(script, import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', path], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  let exitCode: number | null | undefined
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null)
      resolve()
    }),
  )
  const stop = async (graceMs = 5000) => {
    if (exitCode !== undefined) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start in ${timeoutMs} ms:\n${logs.join('\n')}`)),
      timeoutMs,
    )
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(line)
        if (logs.length > 200) logs.shift()
        const m = READY.exec(line.trim())
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${exitCode}:\n${logs.join('\n')}`))
    })
  }).catch(async (err) => {
    await stop(1000)
    throw err
  })
  return { baseUrl, pid: child.pid!, logs, stop }
}

/**
 * The child's side: listens on 127.0.0.1 (port 0) with long keep-alive, writes the line
 * `startChildServer` waits for, and closes on SIGTERM.
 */
export const serveToParent = (server: http.Server): void => {
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number }
    console.log(`listening http://127.0.0.1:${port}`)
  })
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
