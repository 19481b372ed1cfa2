import { type AdminEvent, api, type Detection, data } from '../../api'
import { EventList, type Loaded, ProblemMessage, useLoad } from '../../ui'

/**
 * A detection's timeline: its own guard events, and the events of its source (address or account)
 * from an hour before it was first seen, newest first.
 */
export const useTimeline = (det: Detection | null) =>
  useLoad(
    async (signal) => {
      if (!det) return [] as AdminEvent[]
      const since = new Date(Date.parse(det.first_seen) - 60 * 60 * 1000).toISOString()
      const filter = det.key.startsWith('ip:')
        ? { ip: det.key.slice(3) }
        : det.account_id
          ? { account_id: det.account_id }
          : null
      const own = await data(
        api.GET('/v1/admin/events', {
          params: { query: { type: 'guard_detection', since, limit: 500 } },
          signal,
        }),
      )
      const mine = own.events.filter((e) => Number(e.details.detection_id) === det.id)
      const source = filter
        ? (
            await data(
              api.GET('/v1/admin/events', { params: { query: { ...filter, since, limit: 100 } }, signal }),
            )
          ).events
        : []
      const byId = new Map<number, AdminEvent>()
      for (const e of [...mine, ...source]) byId.set(e.id, e)
      return [...byId.values()].sort((a, b) => b.id - a.id)
    },
    [det?.id, det?.last_seen],
  )

/** The timeline panel of a detection. */
export const Timeline = ({ timeline }: { timeline: Loaded<AdminEvent[]> }) => (
  <section className="panel" aria-labelledby="tl-h">
    <h2 id="tl-h">Timeline</h2>
    <ProblemMessage error={timeline.error} feature="The events API" />
    {timeline.data && timeline.data.length === 0 ? <p>No events recorded for this source.</p> : null}
    <EventList showAccount events={timeline.data ?? []} />
  </section>
)
