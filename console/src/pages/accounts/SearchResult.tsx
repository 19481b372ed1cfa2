import { Link } from '../../App'
import type { AccountSearch } from '../../api'
import { Time } from '../../ui'
import { Flags } from './Flags'

/** The accounts a search found, each a link to its page; a sentence when none. */
export const SearchResult = ({ result }: { result: AccountSearch }) =>
  result.accounts.length === 0 ? (
    <p>No account has that {result.kind}.</p>
  ) : (
    <div className="table-wrap">
      <table>
        <caption>Found by {result.kind}</caption>
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
            <th scope="col">Created</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {result.accounts.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                <Link to={`/accounts/${a.id}`}>{a.username}</Link>
              </th>
              <td>{a.role}</td>
              <td className="mono">{a.email}</td>
              <td className="mono">{a.phone ?? '—'}</td>
              <td>
                <Time iso={a.created_at} />
              </td>
              <td>
                <Flags flags={a.flags} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
