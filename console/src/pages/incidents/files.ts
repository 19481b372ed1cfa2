import { errorOf } from '@gatehouse/client'
import { bearer, type Exposures, type ImportView, Problem } from '../../api'

/** Sends a file with XHR (fetch reports no upload progress); resolves with the answer. */
export const upload = (
  url: string,
  file: File,
  type: string,
  onProgress: (sent: number, total: number) => void,
): Promise<ImportView> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    const auth = bearer()
    if (auth) xhr.setRequestHeader('authorization', auth)
    xhr.setRequestHeader('content-type', type)
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onerror = () => reject(new Problem(0, 'network', 'The upload failed', 'The connection was lost.'))
    xhr.onload = () => {
      let body: Record<string, unknown> = {}
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size)
        resolve(body as unknown as ImportView)
      } else reject(errorOf(xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after')))
    }
    xhr.send(file)
  })

/** The columns (CSV header) or keys (first JSON line) of a chosen file: read from its first 64 KiB. */
export const fileColumns = async (file: File, format: 'csv' | 'jsonl'): Promise<string[]> => {
  const head = await file.slice(0, 65_536).text()
  const first = (
    head
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '') ?? ''
  ).trim()
  if (format === 'jsonl') {
    try {
      const o = JSON.parse(first) as unknown
      return o && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o) : []
    } catch {
      return []
    }
  }
  // A header row: comma-separated, fields possibly quoted ("" is a quote inside one).
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let k = 0; k < first.length; k++) {
    const ch = first[k]
    if (quoted) {
      if (ch === '"' && first[k + 1] === '"') {
        cur += '"'
        k++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  out.push(cur.trim())
  return out.filter((c) => c !== '')
}

export type Field = Exposures['exposures'][number]['fields'][number]
/** The order the mapping form asks for the columns in (email first: what most leaks hold). */
export const FIELDS = ['email', 'username', 'phone', 'location'] as const satisfies readonly Field[]
/** Usual names of each field's column, to propose a mapping from a header. */
const GUESSES: Record<Field, RegExp> = {
  email: /^(e-?mail|email[ _]?address|mail)$/i,
  username: /^(user(name)?|login|handle|user[ _]?id)$/i,
  phone: /^(phone|tel|telephone|mobile|msisdn|phone[ _]?number)$/i,
  location: /^(location|city|country|address|region|town)$/i,
}
export const guessMapping = (columns: string[]): Record<Field, string> => {
  const m = { email: '', username: '', phone: '', location: '' }
  for (const f of FIELDS) m[f] = columns.find((c) => GUESSES[f].test(c)) ?? ''
  return m
}
