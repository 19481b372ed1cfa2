/** The browser sign-in example's server (server.mjs). */
export declare const startExample: (options?: {
  /** Where Gatehouse listens (default: GATEHOUSE_URL, else http://127.0.0.1:4455). */
  gatehouseUrl?: string
  /** This example's port (default: PORT, else 3100; 0 picks a free one). */
  port?: number
  host?: string
}) => Promise<{
  url: string
  /** How often each of the page's own files was fetched. */
  requests: Map<string, number>
  close(): Promise<void>
}>
