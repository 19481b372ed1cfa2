/**
 * A tiny in-process signal: a service says "something happened" (messages were queued) without
 * knowing who acts on it (the worker that delivers them). Listeners are told in the order they
 * registered; one that throws does not stop the others.
 */
export interface Notifier<T = void> {
  listen(listener: (value: T) => void): void
  notify(value: T): void
}

export const createNotifier = <T = void>(): Notifier<T> => {
  const listeners: Array<(value: T) => void> = []
  return {
    listen: (listener) => {
      listeners.push(listener)
    },
    notify: (value) => {
      for (const listener of listeners) {
        try {
          listener(value)
        } catch {}
      }
    },
  }
}
