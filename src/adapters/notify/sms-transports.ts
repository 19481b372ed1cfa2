import type { SmsTransport } from '../../modules/mail/ports.js'
import { timestampedName, writeAtomically } from './mail-transports.js'

/** Writes each SMS as `<dir>/<time>-<random>.txt` (`To: <number>`, a blank line, the body) instead of sending it. */
export class FileSmsTransport implements SmsTransport {
  constructor(private readonly dir: string) {}

  async send(to: string, body: string): Promise<void> {
    // The number is a stored E.164 value; still, it must not be able to add lines.
    const number = to.replace(/[\r\n]/g, ' ')
    await writeAtomically(this.dir, timestampedName('txt'), `To: ${number}\n\n${body}\n`)
  }

  async close(): Promise<void> {}
}
