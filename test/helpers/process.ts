import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))
/** The command line from the sources, as `node --import tsx src/cli.ts` (no build needed). */
export const SOURCE_CLI = ['--import', 'tsx', fileURLToPath(new URL('../../src/cli.ts', import.meta.url))]

export const requireBuild = () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)')
}

export interface Started {
  child: ChildProcess
  baseUrl: string
  /** The metrics listener's base URL (a free port on loopback). */
  metricsUrl: string
  logs: string[]
  exited: Promise<number | null>
}

/** One JSON request to a server started with `startServer`; the answer's status, headers, text and parsed body. */
export const requestJson = async (
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) => {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  return { status: res.status, headers: res.headers, text, json: (text ? JSON.parse(text) : null) as any }
}

/** Runs `gatehouse serve` as a separate process and waits until it listens. */
export const startServer = async (
  env: Record<string, string>,
  timeoutMs = 20_000,
  /** `[CLI]` (the build), or SOURCE_CLI. */
  cli: string[] = [CLI],
): Promise<Started> => {
  if (cli[0] === CLI) requireBuild()
  const child = spawn(process.execPath, [...cli, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      GATEHOUSE_PORT: '0',
      GATEHOUSE_METRICS_PORT: '0',
      GATEHOUSE_LOG_LEVEL: 'info',
      // Tests stop servers with SIGTERM and wait: no drain period unless a test asks for one.
      GATEHOUSE_SHUTDOWN_GRACE_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let metricsUrl = ''
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('\n')}`)), timeoutMs)
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(line)
        try {
          const entry = JSON.parse(line) as {
            msg?: string
            port?: number
            host?: string
            metrics_port?: number | null
          }
          if (entry.msg === 'gatehouse listening') {
            clearTimeout(timer)
            metricsUrl = entry.metrics_port ? `http://127.0.0.1:${entry.metrics_port}` : ''
            resolve(`http://${entry.host}:${entry.port}`)
          }
        } catch {
          // not a JSON line
        }
      }
    }
    child.stdout.on('data', onLine)
    child.stderr.on('data', onLine)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`))
    })
  })
  return { child, baseUrl, metricsUrl, logs, exited }
}

/** Runs the CLI to completion and returns its exit code and output. */
export const runCli = (
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
  cli: string[] = [CLI],
) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    if (cli[0] === CLI) requireBuild()
    const child = spawn(process.execPath, [...cli, ...args], {
      env: { PATH: process.env.PATH ?? '', GATEHOUSE_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`gatehouse ${args.join(' ')} did not finish: ${stdout}${stderr}`))
    }, timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
