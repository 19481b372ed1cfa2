/** English plural rules: "one" for 1, "other" for everything else (0, 2, 1.5…). */
const rules = new Intl.PluralRules('en')

/** A count with its noun in the right number: `count(1, 'row')` is "1 row", `count(2, 'entry', 'entries')` "2 entries". */
export const count = (n: number, singular: string, plural = `${singular}s`): string =>
  `${n} ${rules.select(n) === 'one' ? singular : plural}`

/** The verb that agrees with the count: `agree(1, 'has', 'have')` is "has". */
export const agree = (n: number, singular: string, plural: string): string =>
  rules.select(n) === 'one' ? singular : plural
