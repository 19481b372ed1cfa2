import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'

/** The count of writes that may change a session check's answer (src/adapters/sql/principal-changes.ts). */
export interface ObservedChanges {
  onChange(listener: () => void): () => void
  bumpFromElsewhere(): void
}

export interface PrincipalBroadcast {
  /** Messages heard from other instances since start (for metrics and tests). */
  readonly heard: number
  close(): Promise<void>
}

/**
 * Tells the other instances on one Redis that a write may have changed what a session check
 * answers (a logout, a revocation, a role or a required password change), and hears them tell it:
 * each session cache then drops what it holds at once instead of within GATEHOUSE_SESSION_CACHE_MS.
 * The message names only the sending instance. Changes are coalesced (at most one message per turn
 * of the event loop), and the last message of a write goes out after it committed, so an instance
 * that hears it reads the new state. While Redis is unreachable nothing is sent or heard, and the
 * caches fall back to their time limit; a lost message costs no more than that either.
 */
export const startPrincipalBroadcast = async (
  url: string,
  opts: {
    changes: ObservedChanges
    /** The Redis key prefix of this deployment: only instances that share it hear each other. */
    prefix: string
    onError?: (err: Error) => void
  },
): Promise<PrincipalBroadcast> => {
  const channel = `${opts.prefix}principal-changes`
  const self = randomUUID()
  const common = { connectTimeout: 1500, maxRetriesPerRequest: 1, enableOfflineQueue: false } as const
  // A publish a hung server never answers is dropped after a second (never awaited by a request).
  const publisher = new Redis(url, {
    ...common,
    commandTimeout: 1000,
    connectionName: 'gatehouse-broadcast-pub',
  })
  // A subscriber must queue its SUBSCRIBE until it is connected (and ioredis subscribes again after
  // a reconnect).
  const subscriber = new Redis(url, {
    connectTimeout: 1500,
    maxRetriesPerRequest: null,
    connectionName: 'gatehouse-broadcast-sub',
  })
  let lastReported = ''
  const report = (err: Error) => {
    // One line per kind of failure, not one per retry.
    if (err.message === lastReported) return
    lastReported = err.message
    opts.onError?.(err)
  }
  publisher.on('error', report)
  subscriber.on('error', report)
  publisher.on('ready', () => {
    lastReported = ''
  })

  let heard = 0
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel || message === self) return
    heard++
    opts.changes.bumpFromElsewhere()
  })
  subscriber.subscribe(channel).catch((err: Error) => report(err))

  let pending = false
  const send = () => {
    pending = false
    if (publisher.status !== 'ready') return
    publisher.publish(channel, self).catch((err: Error) => report(err))
  }
  const stop = opts.changes.onChange(() => {
    if (pending) return
    pending = true
    setImmediate(send)
  })

  return {
    get heard() {
      return heard
    },
    close: async () => {
      stop()
      subscriber.disconnect()
      publisher.disconnect()
    },
  }
}
