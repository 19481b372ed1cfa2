import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
/** A real SMTP server on loopback that accepts everything (no auth, no TLS) and keeps the messages. */
export const startSmtpSink = async () => {
  const messages = []
  const waiters = new Set()
  let failures = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks = []
      stream.on('data', (chunk) => chunks.push(chunk))
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
            const message = {
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
          .catch((err) => callback(err))
      })
    },
  })
  // A client dropping the connection must not fail the test run.
  server.on('error', () => {})
  await new Promise((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.server.address()
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor: (predicate, timeoutMs = 5000) => {
      const found = messages.find(predicate)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const waiter = {
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
//# sourceMappingURL=smtp-sink.js.map
