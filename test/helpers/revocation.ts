import { expect } from 'vitest'

/**
 * Checks a revoked session again and again until `check` answers 401. Until then it must answer
 * 200, and only to checks begun within `withinMs` of `revokedAt` (both `performance.now()` times):
 * a cache may keep a revoked session alive that long, never longer.
 */
export const expectRefusedWithin = async (
  check: () => Promise<number>,
  revokedAt: number,
  withinMs: number,
  pauseMs = 20,
): Promise<void> => {
  for (;;) {
    const began = performance.now()
    const status = await check()
    if (status === 401) return
    expect(status).toBe(200)
    expect(began - revokedAt).toBeLessThan(withinMs)
    await new Promise((resolve) => setTimeout(resolve, pauseMs))
  }
}
