import type { AccountDetail } from '../../api'
import { EventList, Time } from '../../ui'

/** The account's live sessions: device, address, opened, last seen, expiry. */
export const Sessions = ({ sessions }: { sessions: AccountDetail['sessions'] }) => (
  <section className="panel" aria-labelledby="sessions-h">
    <h2 id="sessions-h">Live sessions ({sessions.length})</h2>
    {sessions.length === 0 ? (
      <p>No live session.</p>
    ) : (
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Opened</th>
              <th scope="col">Last seen</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td className="wrap">{s.device ?? '—'}</td>
                <td className="mono">{s.ip ?? '—'}</td>
                <td>
                  <Time iso={s.created_at} />
                </td>
                <td>
                  <Time iso={s.last_seen_at} />
                </td>
                <td>
                  <Time iso={s.expires_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
  </section>
)

/** The account's second factors, a pending enrolment marked. */
export const Factors = ({ factors }: { factors: AccountDetail['factors'] }) => (
  <section className="panel" aria-labelledby="factors-h">
    <h2 id="factors-h">Second factors</h2>
    {factors.length === 0 ? (
      <p>None.</p>
    ) : (
      <ul>
        {factors.map((f) => (
          <li key={f.id}>
            {f.kind} {f.confirmed ? '' : '(enrolment pending)'} — added <Time iso={f.created_at} />
          </li>
        ))}
      </ul>
    )}
  </section>
)

/** The account's recent security events, each naming the account. */
export const RecentEvents = ({ detail }: { detail: AccountDetail }) => {
  const a = detail.account
  return (
    <section className="panel" aria-labelledby="events-h">
      <h2 id="events-h">Recent security events</h2>
      <EventList
        events={detail.events.map((e) => ({
          ...e,
          account: { id: a.id, username: a.username, role: a.role },
        }))}
      />
    </section>
  )
}
