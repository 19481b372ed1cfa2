import type { IncomingMessage, Server } from 'node:http'
import type { Socket } from 'node:net'

export interface DrainOutcome {
  /** Requests on connections accepted before the drain that arrived during it, and were served. */
  servedAfterClose: number
  /** Requests on connections accepted during the drain, answered 503 (the app's problem document). */
  refused: number
  /** Connections closed because they stayed idle (nothing in flight, nothing being read). */
  closedIdle: number
  /** Connections still busy at the deadline, cut. */
  cut: number
}

export interface ConnectionDrain {
  /** Connections open now. */
  readonly open: number
  /**
   * Whether a request came on a connection accepted after the drain began: the app answers it
   * `503 service_unavailable` (a problem document with `Connection: close`) instead of serving it.
   */
  refuses(req: IncomingMessage): boolean
  /**
   * Takes no new work, lets every connection finish, then closes the listener. Requests already
   * received or being read are served, and so is a request that arrives on a connection accepted
   * before (the answers carry `Connection: close`, which the app adds while draining); a request on
   * a connection accepted since is refused (`refuses`). A connection with nothing in flight and no
   * byte read for `quietMs` is closed. The listener closes once no request is in flight and no
   * connection came for `quietMs`, so that a client connecting meanwhile gets an answer rather
   * than a reset from the kernel; at `deadlineMs` whatever is left is cut.
   */
  close(opts: { quietMs: number; deadlineMs: number; onListenerClosed?: () => void }): Promise<DrainOutcome>
}

interface Tracked {
  /** Accepted after the drain began. */
  late: boolean
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

/** What the tracker knows of the server's connections, shared by the listeners and the drain. */
interface Connections {
  sockets: Map<Socket, Tracked>
  draining: boolean
  /** When the last connection was accepted. */
  lastAccepted: number
  counts: { servedAfterClose: number; refused: number }
}

/** Follows every connection and request of `server`, and keeps Node from closing idle connections while draining. */
const watch = (server: Server, c: Connections, now: () => number): void => {
  server.on('connection', (socket: Socket) => {
    c.lastAccepted = now()
    c.sockets.set(socket, { late: c.draining, active: 0, idleSince: now(), bytesAtIdle: 0, ended: false })
    socket.once('close', () => c.sockets.delete(socket))
  })
  server.on('request', (req, res) => {
    const tracked = c.sockets.get(req.socket)
    if (!tracked) return
    tracked.active++
    if (c.draining) {
      if (tracked.late) c.counts.refused++
      else c.counts.servedAfterClose++
    }
    res.once('close', () => {
      tracked.active--
      tracked.idleSince = now()
      tracked.bytesAtIdle = req.socket.bytesRead
    })
  })
  // Called by server.close() and by Fastify's close: closing is this module's to do.
  const closeIdle = server.closeIdleConnections.bind(server)
  server.closeIdleConnections = () => {
    if (!c.draining) closeIdle()
  }
}

/** The drain of ConnectionDrain.close: every CHECK_EVERY_MS, closes what is idle, then the listener, then resolves. */
const drain = (
  server: Server,
  c: Connections,
  now: () => number,
  { quietMs, deadlineMs, onListenerClosed }: Parameters<ConnectionDrain['close']>[0],
): Promise<DrainOutcome> => {
  c.draining = true
  const started = now()
  const until = started + deadlineMs
  const outcome: DrainOutcome = { servedAfterClose: 0, refused: 0, closedIdle: 0, cut: 0 }
  let listening = server.listening
  const closeListener = () => {
    if (!listening) return
    listening = false
    server.close()
    onListenerClosed?.()
  }
  const idle = (socket: Socket, t: Tracked) =>
    !t.ended && t.active === 0 && socket.bytesRead === t.bytesAtIdle && now() - t.idleSince >= quietMs
  return new Promise<DrainOutcome>((resolve) => {
    const check = () => {
      const late = now() >= until
      let busy = false
      for (const [socket, t] of c.sockets) {
        if (late) {
          outcome.cut++
          socket.destroy()
        } else if (idle(socket, t)) {
          outcome.closedIdle++
          t.ended = true
          socket.end()
          // A client that never reads the FIN must not hold the drain open.
          socket.setTimeout(quietMs, () => socket.destroy())
        } else if (t.active > 0) busy = true
      }
      if (late || (!busy && now() - Math.max(c.lastAccepted, started) >= quietMs)) closeListener()
      if ((c.sockets.size === 0 && !listening) || late) {
        outcome.servedAfterClose = c.counts.servedAfterClose
        outcome.refused = c.counts.refused
        resolve(outcome)
        return
      }
      setTimeout(check, CHECK_EVERY_MS)
    }
    check()
  })
}

/**
 * Tracks the connections of `server` so that shutting it down never resets a request. Node's own
 * close (and Fastify's, which calls it) destroys every connection it deems idle — and a connection
 * whose request has arrived but is not parsed yet, or whose client is about to send on it, is idle
 * to Node: its client gets ECONNRESET. Closing the listening socket itself resets the connections
 * the kernel completed but the process had not accepted yet, which under load can be many: the
 * listener stays open until the instance is quiet, and what connects meanwhile is told to go
 * elsewhere with a 503.
 */
export const trackConnections = (server: Server, now: () => number = Date.now): ConnectionDrain => {
  const c: Connections = {
    sockets: new Map(),
    draining: false,
    lastAccepted: 0,
    counts: { servedAfterClose: 0, refused: 0 },
  }
  watch(server, c, now)
  return {
    get open() {
      return c.sockets.size
    },
    refuses: (req) => c.draining && c.sockets.get(req.socket)?.late === true,
    close: (opts) => drain(server, c, now, opts),
  }
}
