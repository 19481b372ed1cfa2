import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type nodemailer from 'nodemailer'
import type { MailTransport, RenderedMail } from '../../modules/mail/ports.js'

// MIME lines end in CRLF. Nodemailer's quoted-printable wrapping only recognizes CRLF line ends: with bare
// LF it would soft-break short lines (such as `Token: ...`) in the middle.
const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n')

const message = (from: string, to: string, mail: RenderedMail) => ({
  from,
  to,
  subject: mail.subject,
  text: crlf(mail.text),
  html: crlf(mail.html),
  // Tells auto-responders (vacation replies) not to answer.
  headers: { 'Auto-Submitted': 'auto-generated' },
  ...(mail.messageId ? { messageId: mail.messageId } : {}),
})

// Our mails never carry attachments: refuse reading local files or URLs outright.
const hardening = { disableFileAccess: true, disableUrlAccess: true }

/** nodemailer is loaded with the first message (or SMTP check), not at start. */
let mailer: Promise<typeof nodemailer> | undefined
const loadMailer = () => {
  mailer ??= import('nodemailer').then((m) => m.default)
  return mailer
}

/** Delivers by SMTP to the relay at `url` (`smtp://` or `smtps://`, credentials and options in the URL). */
export class SmtpMailTransport implements MailTransport {
  #transport: ReturnType<typeof nodemailer.createTransport> | undefined
  #closed = false

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {}

  async #open(): Promise<ReturnType<typeof nodemailer.createTransport>> {
    const mailer = await loadMailer()
    if (this.#closed) throw new Error('the SMTP transport is closed')
    // Settings in the URL's query win over these defaults. Pooled: messages reuse a few open
    // connections (each for up to 100 messages) instead of a new connection and greeting apiece.
    this.#transport ??= mailer.createTransport({
      url: this.url,
      pool: true,
      maxConnections: 3,
      maxMessages: 100,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      ...hardening,
    })
    return this.#transport
  }

  async send(to: string, mail: RenderedMail): Promise<void> {
    await (await this.#open()).sendMail(message(this.from, to, mail))
  }

  /** Connects, greets and (with credentials) logs in, without sending: the relay works. */
  async verify(): Promise<void> {
    await (await this.#open()).verify()
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#transport?.close()
  }
}

const readAll = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/** `<ISO time without colons>-<random>`: sorts by time, unique, valid on every file system. */
export const timestampedName = (ext: string): string =>
  `${new Date().toISOString().replace(/:/g, '')}-${randomBytes(6).toString('hex')}.${ext}`

/** Writes under a hidden temporary name, then renames, so a reader never sees a partial file. */
export const writeAtomically = async (dir: string, name: string, data: Buffer | string): Promise<string> => {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const file = join(dir, name)
  const tmp = join(dir, `.${name}.tmp`)
  try {
    // The files can hold tokens: readable by the owner only.
    await writeFile(tmp, data, { mode: 0o600, flag: 'wx' })
    await rename(tmp, file)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {})
    throw err
  }
  return file
}

/**
 * Writes each mail as an RFC 822 `.eml` file under `dir` instead of sending it:
 * the embedded default, for development and single-host installs without a relay.
 */
export class FileMailTransport implements MailTransport {
  #composer: ReturnType<typeof nodemailer.createTransport> | undefined

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(to: string, mail: RenderedMail): Promise<void> {
    const mailer = await loadMailer()
    this.#composer ??= mailer.createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'unix',
      ...hardening,
    })
    const info = await this.#composer.sendMail(message(this.from, to, mail))
    const raw = Buffer.isBuffer(info.message) ? info.message : await readAll(info.message)
    await writeAtomically(this.dir, timestampedName('eml'), raw)
  }

  async close(): Promise<void> {}
}
