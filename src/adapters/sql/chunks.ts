/** `in (…)` lists stay below both databases' parameter limits: at most `size` ids per statement. */
export const chunks = <T>(xs: readonly T[], size = 500): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size))
  return out
}
