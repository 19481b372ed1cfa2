import { Transform, type TransformCallback } from 'node:stream'
import { AppError } from '../kernel/errors.js'

/**
 * Passes an upload's bytes through and fails the stream with 413 `payload_too_large` once more
 * than `limit` went by (`what` names the upload in the detail: "A leak upload").
 */
export class ByteLimit extends Transform {
  private seen = 0
  constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {
    super()
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.limit) {
      done(new AppError('payload_too_large', { detail: `${this.what} may hold at most ${this.limit} bytes` }))
      return
    }
    done(null, chunk)
  }
}
