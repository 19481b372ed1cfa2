import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export interface DrainOutcome {
  /** Requests that arrived after the listener closed, on connections already open, and were served. */
  servedAfterClose: number
  /** Connections closed because they stayed idle (nothing in flight, nothing being read). */
  closedIdle: number
  /** Connections still busy at the deadline, cut. */
  cut: number
}

export interface ConnectionDrain {
  /** Connections open now. */
  readonly open: number
  /**
   * Stops accepting connections, then lets every connection finish: requests already received or
   * being read are served (and so is a request that arrives on an open connection meanwhile: the
   * answers carry `Connection: close`, which the app adds while draining). A connection with
   * nothing in flight and nothing being read for `quietMs` is closed; at `deadlineMs` whatever is
   * left is cut. Resolves when no connection is left.
   */
  close(opts: { quietMs: number; deadlineMs: number; onListenerClosed?: () => void }): Promise<DrainOutcome>
}

interface Tracked {
  /** Requests of this connection whose answer has not finished. */
  active: number
  /** When it last had nothing in flight. */
  idleSince: number
  /** `bytesRead` then: more since means a request is being read. */
  bytesAtIdle: number
  /** Closed by the drain (its FIN sent), waiting for the socket to close. */
  ended: boolean
}

const CHECK_EVERY_MS = 25

/**
 * Tracks the connections of `server` so that closing it never resets a request. Node's own close
 * (and Fastify's, which calls it) destroys every connection it deems idle, and a connection whose
 * request has arrived but is not parsed yet — or whose client is about to send on it — is idle to
 * Node: its client gets ECONNRESET. Here a connection is idle only when nothing is in flight on it
 * and no byte arrived since its last answer, for `quietMs`.
 */
export const trackConnections = (server: Server, now: () => number = Date.now): ConnectionDrain => {
  const sockets = new Map<Socket, Tracked>()
  let closing = false
  let servedAfterClose = 0

  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { active: 0, idleSince: now(), bytesAtIdle: 0, ended: false })
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('request', (req, res) => {
    const tracked = sockets.get(req.socket)
    if (!tracked) return
    tracked.active++
    if (closing) servedAfterClose++
    res.once('close', () => {
      tracked.active--
      tracked.idleSince = now()
      tracked.bytesAtIdle = req.socket.bytesRead
    })
  })
  // Called by server.close() and by Fastify's close: closing is this module's to do.
  const closeIdle = server.closeIdleConnections.bind(server)
  server.closeIdleConnections = () => {
    if (!closing) closeIdle()
  }

  const idle = (socket: Socket, t: Tracked, quietMs: number) =>
    !t.ended && t.active === 0 && socket.bytesRead === t.bytesAtIdle && now() - t.idleSince >= quietMs

  return {
    get open() {
      return sockets.size
    },
    close: async ({ quietMs, deadlineMs, onListenerClosed }) => {
      closing = true
      const until = now() + deadlineMs
      const outcome: DrainOutcome = { servedAfterClose: 0, closedIdle: 0, cut: 0 }
      if (server.listening) {
        // One more turn of the event loop's I/O phase first: connections the kernel has completed
        // but Node not yet accepted are accepted (and then served), not reset with the socket.
        await new Promise((resolve) => setImmediate(resolve))
        server.close()
        onListenerClosed?.()
      }
      return new Promise<DrainOutcome>((resolve) => {
        const check = () => {
          const late = now() >= until
          for (const [socket, t] of sockets) {
            if (late) {
              outcome.cut++
              socket.destroy()
            } else if (idle(socket, t, quietMs)) {
              outcome.closedIdle++
              t.ended = true
              socket.end()
              // A client that never reads the FIN must not hold the drain open.
              socket.setTimeout(quietMs, () => socket.destroy())
            }
          }
          if (sockets.size === 0 || late) {
            outcome.servedAfterClose = servedAfterClose
            resolve(outcome)
            return
          }
          setTimeout(check, CHECK_EVERY_MS)
        }
        check()
      })
    },
  }
}
