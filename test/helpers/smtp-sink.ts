import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface SinkMessage {
  /** Envelope sender (MAIL FROM). */
  from: string
  /** Envelope recipients (RCPT TO), as the client gave them. */
  to: string[]
  subject: string
  text: string
  html: string
  /** The Message-ID header, when there is one. */
  messageId: string | undefined
  /** The message as received (RFC 822). */
  raw: string
}

/** RFC 5322 `atext`, and the `dtext` of a domain literal. */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`
const MSG_ID = new RegExp(`^<${DOT_ATOM}@(?:${DOT_ATOM}|\\[[\\x21-\\x5a\\x5e-\\x7e]*\\])>$`)

/** Whether a Message-ID is RFC 5322's `msg-id` exactly: a dot-atom left of `@`, a dot-atom or a domain literal right of it. */
export const isStrictMessageId = (value: string | undefined): boolean =>
  value !== undefined && MSG_ID.test(value)

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string
  /** Every accepted message, in order of arrival. */
  readonly messages: SinkMessage[]
  /** The first message (already received or yet to come) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (m: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>
  /** The token from the `Token: <token>` line of the text part; throws when there is none. */
  tokenFrom(message: SinkMessage): string
  /** Rejects the next `n` messages with `451` (a temporary failure: the sender should retry). */
  failNext(n: number): void
  clear(): void
  close(): Promise<void>
}

interface Waiter {
  predicate: (m: SinkMessage) => boolean
  resolve: (m: SinkMessage) => void
}

/**
 * A real SMTP server on loopback that accepts everything (no auth, no TLS) and keeps the messages;
 * on `port` when given (a relay coming back where it was), else on a free one.
 */
export const startSmtpSink = async (port = 0): Promise<SmtpSink> => {
  const messages: SinkMessage[] = []
  const waiters = new Set<Waiter>()
  let failures = 0

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('error', (err) => callback(err))
      stream.on('end', () => {
        if (failures > 0) {
          failures--
          const err = Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 })
          callback(err)
          return
        }
        const raw = Buffer.concat(chunks)
        simpleParser(raw)
          .then((parsed) => {
            const message: SinkMessage = {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: parsed.html || '',
              messageId: parsed.messageId,
              raw: raw.toString('utf8'),
            }
            // Recorded before the 250 reply: once the sender's send resolves, the message is here.
            messages.push(message)
            for (const w of waiters) {
              if (w.predicate(message)) {
                waiters.delete(w)
                w.resolve(message)
              }
            }
            callback()
          })
          .catch((err: Error) => callback(err))
      })
    },
  })
  // A client dropping the connection must not fail the test run.
  server.on('error', () => {})

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.server.off('error', reject)
      resolve()
    })
  })
  const bound = (server.server.address() as AddressInfo).port

  return {
    url: `smtp://127.0.0.1:${bound}`,
    messages,
    waitFor: (predicate, timeoutMs = 5000) => {
      const found = messages.find(predicate)
      if (found) return Promise.resolve(found)
      return new Promise<SinkMessage>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (m) => {
            clearTimeout(timer)
            resolve(m)
          },
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          const seen = messages.map((m) => `${m.to.join(',')}: ${JSON.stringify(m.subject)}`).join('; ')
          reject(
            new Error(
              `SMTP sink: no matching message within ${timeoutMs} ms (${messages.length} received${seen ? `: ${seen}` : ''})`,
            ),
          )
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    tokenFrom: (message) => {
      const match = /^Token: (\S+)$/m.exec(message.text)
      if (!match?.[1])
        throw new Error(`SMTP sink: no "Token: <token>" line in the mail ${JSON.stringify(message.subject)}`)
      return match[1]
    },
    failNext: (n) => {
      failures = n
    },
    clear: () => {
      messages.length = 0
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
