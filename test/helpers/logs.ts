import pino, { type Logger } from 'pino'

export interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** A pino logger that keeps every line (info and up) in memory, parsed. */
export const captureLogs = (level = 'info'): { logger: Logger; lines: LogLine[] } => {
  const lines: LogLine[] = []
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) })
  return { logger, lines }
}

/** pino's level numbers. */
export const LEVEL = { info: 30, warn: 40, error: 50 } as const
