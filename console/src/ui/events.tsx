import { useState } from 'react'
import type { AccountRef, EventItem } from '../api'
import { describeEvent } from '../events'
import { AccountName, shortId } from './names'
import { Time } from './time'
import { JsonDetails } from './widgets'

/** The display name of an event's account, for its sentence. */
const accountWord = (a: AccountRef | null | undefined) =>
  a ? (a.username ?? `deleted account ${shortId(a.id)}`) : null

/**
 * Security events newest first, each as a sentence in plain words with its raw fields folded
 * away, and runs of the same event (same type and details) folded into one line with a count and
 * the number of addresses: a flood reads as one line, not a hundred. `showAccount` names each
 * event's account (a timeline that mixes accounts).
 */
export const EventList = ({
  events,
  limit = 40,
  showAccount = false,
}: {
  events: EventItem[]
  limit?: number
  showAccount?: boolean
}) => {
  const [all, setAll] = useState(false)
  const runs: Array<{ first: EventItem; last: EventItem; count: number; ips: Set<string> }> = []
  for (const e of events) {
    const prev = runs.at(-1)
    if (
      prev &&
      prev.first.type === e.type &&
      prev.first.account?.id === e.account?.id &&
      JSON.stringify(prev.first.details) === JSON.stringify(e.details)
    ) {
      prev.count += 1
      prev.last = e
      if (e.ip) prev.ips.add(e.ip)
    } else runs.push({ first: e, last: e, count: 1, ips: new Set(e.ip ? [e.ip] : []) })
  }
  const shown = all ? runs : runs.slice(0, limit)
  return (
    <>
      <ol className="timeline">
        {shown.map((r) => {
          const e = r.first
          const fields = { type: e.type, ...(e.ip ? { ip: e.ip } : {}), ...e.details }
          return (
            <li key={e.id} data-event-type={e.type}>
              <div className="event-head">
                <Time iso={e.time} />
                {showAccount && e.account ? <AccountName account={e.account} /> : null}
                {r.count > 1 ? (
                  <span className="badge warn">
                    ×{r.count} from {r.ips.size} address{r.ips.size === 1 ? '' : 'es'}
                  </span>
                ) : e.ip ? (
                  <span className="mono muted">{e.ip}</span>
                ) : null}
              </div>
              <p className="sentence">
                {describeEvent(e.type, e.details, { account: accountWord(e.account) })}
              </p>
              <details className="raw">
                <summary>Fields</summary>
                <JsonDetails value={fields} accounts={e.account ? [e.account] : []} />
              </details>
            </li>
          )
        })}
      </ol>
      {runs.length > shown.length ? (
        <button type="button" onClick={() => setAll(true)}>
          Show {runs.length - shown.length} more
        </button>
      ) : null}
    </>
  )
}
