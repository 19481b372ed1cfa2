import net from 'node:net'
import { simpleParser } from 'mailparser'

/**
 * The part of test/helpers/smtp-sink.ts the benchmarks use, so either sink can serve.
 *
 * Why a second sink: the test sink is built on smtp-server, which holds back its greeting for 100 ms on
 * every connection (to catch clients that talk too soon). Gatehouse's outbox opens one connection per
 * message and sends one message at a time, so behind that sink it cannot deliver more than ~9 mails/s —
 * a ceiling of the sink, not of Gatehouse, that would make seeding and draining take minutes. This sink
 * speaks just enough SMTP for nodemailer and greets at once.
 */
export interface SinkMessage {
  to: string[]
  subject: string
  text: string
}

export interface Sink {
  readonly url: string
  readonly messages: SinkMessage[]
  waitFor(predicate: (m: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>
  tokenFrom(message: SinkMessage): string
  close(): Promise<void>
}

interface Waiter {
  predicate: (m: SinkMessage) => boolean
  resolve: (m: SinkMessage) => void
}

/** A minimal SMTP server on loopback (no auth, no TLS, no pipelining) that keeps every message. */
export const startFastSmtpSink = async (): Promise<Sink> => {
  const messages: SinkMessage[] = []
  const waiters = new Set<Waiter>()
  const sockets = new Set<net.Socket>()

  const deliver = (message: SinkMessage) => {
    messages.push(message)
    for (const w of waiters) {
      if (w.predicate(message)) {
        waiters.delete(w)
        w.resolve(message)
      }
    }
  }

  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const reply = (line: string) => {
      if (!socket.destroyed) socket.write(`${line}\r\n`)
    }
    let rcpt: string[] = []
    let inData = false
    let data: string[] = []
    let pending = ''
    const onLine = async (line: string): Promise<void> => {
      if (inData) {
        if (line !== '.') {
          data.push(line.startsWith('..') ? line.slice(1) : line)
          return
        }
        inData = false
        const to = rcpt
        const raw = `${data.join('\r\n')}\r\n`
        rcpt = []
        data = []
        try {
          const parsed = await simpleParser(raw)
          // Recorded before the 250, as the test sink does: once the sender's send resolves, it is here.
          deliver({ to, subject: parsed.subject ?? '', text: parsed.text ?? '' })
          reply('250 OK: message queued')
        } catch {
          reply('554 Could not parse the message')
        }
        return
      }
      const verb = line.slice(0, 4).toUpperCase()
      if (verb === 'EHLO') reply('250-bench-sink\r\n250-8BITMIME\r\n250 SMTPUTF8')
      else if (verb === 'HELO') reply('250 bench-sink')
      else if (verb === 'MAIL') {
        rcpt = []
        reply('250 Accepted')
      } else if (verb === 'RCPT') {
        const address = /<([^>]*)>/.exec(line)?.[1] ?? line.slice(8).trim()
        rcpt.push(address)
        reply('250 Accepted')
      } else if (verb === 'DATA') {
        inData = true
        reply('354 End data with <CR><LF>.<CR><LF>')
      } else if (verb === 'RSET') {
        rcpt = []
        reply('250 Flushed')
      } else if (verb === 'NOOP') reply('250 OK')
      else if (verb === 'QUIT') {
        reply('221 Bye')
        socket.end()
      } else reply('502 Command not implemented')
    }
    // Lines are handled one after another, so replies keep their order while a message is parsed.
    let chain = Promise.resolve()
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      pending += chunk
      let at = pending.indexOf('\r\n')
      while (at >= 0) {
        const line = pending.slice(0, at)
        chain = chain.then(() => onLine(line))
        pending = pending.slice(at + 2)
        at = pending.indexOf('\r\n')
      }
    })
    reply('220 bench-sink ESMTP')
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as net.AddressInfo

  return {
    url: `smtp://127.0.0.1:${port}`,
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
          reject(
            new Error(`SMTP sink: no matching message within ${timeoutMs} ms (${messages.length} received)`),
          )
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    tokenFrom: (message) => {
      const match = /^Token: (\S+)$/m.exec(message.text)
      if (!match?.[1])
        throw new Error(`SMTP sink: no "Token: <token>" line in ${JSON.stringify(message.subject)}`)
      return match[1]
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
