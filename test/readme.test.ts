/**
 * The README's walkthrough, run as written: every `sh` block from "## The API" on, in order, as one
 * bash script (`set -euo pipefail`) against `gatehouse serve` on a fresh data folder and a free port.
 * The script only gets its variables (`API`, `DATA`, `METRICS`, which the README sets with `${X:-…}`
 * defaults) from outside; no command is changed. Between statements the test adds marker lines, so
 * that each statement's output can be told apart: a comment `# {…}` or `# […]` right after a
 * statement is its expected output (`…` stands for anything; text after two spaces and a dash is a
 * remark), compared with what it printed.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Started, startServer } from './helpers/process.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

interface Statement {
  /** 1-based line in README.md where it starts. */
  line: number
  text: string
  /** The `# {…}` comment that follows it, if any. */
  expected: string | null
}

/** The `sh` blocks from the heading on, each as its lines and the README line of its first one. */
const shellBlocks = (markdown: string, fromHeading: string): { line: number; lines: string[] }[] => {
  const lines = markdown.split('\n')
  const start = lines.indexOf(fromHeading)
  if (start < 0) throw new Error(`README.md has no heading "${fromHeading}"`)
  const blocks: { line: number; lines: string[] }[] = []
  for (let i = start; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue
    const end = lines.indexOf('```', i + 1)
    if (end < 0) throw new Error(`unterminated sh block at line ${i + 1}`)
    blocks.push({ line: i + 2, lines: lines.slice(i + 1, end) })
    i = end
  }
  return blocks
}

/** Whether bash parses `text` as complete statements (a quote, brace or continuation left open: no). */
const complete = (text: string): boolean =>
  !/\\$/.test(text) && spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' }).status === 0

const EXPECTED = /^# ([{[].*?)(?: {2}— .*)?$/

/** A block's statements: the smallest runs of non-comment lines that bash parses as complete. */
const statementsOf = (block: { line: number; lines: string[] }): Statement[] => {
  const out: Statement[] = []
  const { lines } = block
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      const previous = out.at(-1)
      const m = EXPECTED.exec(line)
      if (
        m &&
        previous &&
        previous.expected === null &&
        previous.line + previous.text.split('\n').length === block.line + i
      )
        previous.expected = m[1]!
      i++
      continue
    }
    let j = i
    let text = line
    while (!complete(text)) {
      j++
      if (j >= lines.length) throw new Error(`README.md line ${block.line + i}: statement does not end`)
      text += `\n${lines[j]}`
    }
    out.push({ line: block.line + i, text, expected: null })
    i = j + 1
  }
  return out
}

/** `…` matches anything; everything else literally. */
const patternOf = (expected: string): RegExp =>
  new RegExp(
    `^${expected
      .split('…')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  )

const MARK = '\u001eREADME-STATEMENT'

describe('README walkthrough', () => {
  let server: Started
  let dataDir: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'))
    // The embedded default, as `npm start` runs it: only the data folder and the ports differ.
    server = await startServer({
      GATEHOUSE_DATA_DIR: join(dataDir, 'data'),
      GATEHOUSE_WORKER_INTERVAL_MS: '100',
    })
  })
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM')
      await server.exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('runs every shell block from "The API" on, in order, with the answers it shows', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const statements = shellBlocks(readme, '## The API').flatMap(statementsOf)
    expect(statements.length).toBeGreaterThan(50)
    expect(statements.filter((s) => s.expected).length).toBeGreaterThan(20)

    const script = [
      'set -euo pipefail',
      ...statements.flatMap((s, n) => [`printf '\\n${MARK} %d\\n' ${n}`, s.text]),
      `printf '\\n${MARK} end\\n'`,
    ].join('\n')
    const file = join(dataDir, 'walkthrough.sh')
    writeFileSync(file, script)
    const child = spawn('bash', [file], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dataDir,
        API: server.baseUrl,
        DATA: join(dataDir, 'data'),
        METRICS: server.metricsUrl,
      },
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
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))

    const outputs = new Map<number, string>()
    const parts = stdout.split(`\n${MARK} `)
    for (const part of parts.slice(1)) {
      const nl = part.indexOf('\n')
      const id = part.slice(0, nl === -1 ? undefined : nl)
      if (id !== 'end') outputs.set(Number(id), nl === -1 ? '' : part.slice(nl + 1))
    }
    if (code !== 0) {
      const last = Math.max(...outputs.keys())
      const failed = statements[last]!
      throw new Error(
        `README.md line ${failed.line} failed (exit ${code}):\n${failed.text}\n--- its output:\n${outputs.get(last)}\n--- stderr:\n${stderr.slice(-2000)}`,
      )
    }
    expect(outputs.size).toBe(statements.length)
    for (const [n, s] of statements.entries()) {
      if (!s.expected) continue
      const printed = (outputs.get(n) ?? '').trim()
      expect(printed, `README.md line ${s.line}: ${s.text}`).toMatch(patternOf(s.expected))
    }
    // The default public URL is a domain name: no warning that passkeys cannot work.
    const logs = server.logs.join('\n')
    expect(logs).not.toContain('relying-party id is an IP address')
    // The banner says where the API, the account pages, the console, mail and texts are.
    expect(logs).toContain('Gatehouse is listening')
    expect(logs).toContain(`  API      ${server.baseUrl}  (public URL http://localhost:4455)`)
    expect(logs).toContain('  sign-up  http://localhost:4455/sign-up')
    expect(logs).toContain('  console  http://localhost:4455/console/')
    expect(logs).toContain(`  mail     written as .eml files to ${join(dataDir, 'data', 'mail')}`)
    expect(logs).toContain(`  texts    written as .txt files to ${join(dataDir, 'data', 'sms')}`)
  }, 180_000)
})
