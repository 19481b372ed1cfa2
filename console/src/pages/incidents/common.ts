import type { IncidentSeverity } from '../../api'

export const SEVERITIES: IncidentSeverity[] = ['low', 'medium', 'high', 'critical']

export const sevTone = (s: string) =>
  s === 'critical' || s === 'high' ? 'bad' : s === 'medium' ? 'warn' : ''
