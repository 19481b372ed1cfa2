/* The console's shared pieces: answers and problems, loading, times, names, widgets, event lists. */
export type { AccountRef, ActorRef, EventItem } from '../api'
export { EventList } from './events'
export { type Loaded, useAction, useLoad } from './hooks'
export { AccountName, ActorName, CopyId, shortId } from './names'
export { ChallengeProgress, GuardHint, ProblemMessage } from './problems'
export { ago, Time, useNow, when, zoneName } from './time'
export { Badge, Confirm, Figure, JsonDetails, Pager, PageTitle, ProgressBar, SortHeader } from './widgets'
