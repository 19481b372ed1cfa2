/**
 * The one layout every mail shares: a template builds a subject and a list of blocks, and these turn
 * the blocks into the text part (paragraphs wrapped at 72 characters) and the HTML part (every value
 * escaped, links in the brand's accent colour), each signed with the product name and closed by a
 * footer with the support and privacy links when they are configured.
 */
import type { RenderContext, TemplatePayload } from './fields.js'

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'link'; url: string }
  | { kind: 'token'; token: string }
  /** A one-time code on a line of its own, `Code: 123456`, as a token has `Token: …`. */
  | { kind: 'code'; code: string }

export interface MailContent {
  subject: string
  blocks: Block[]
}

/** A mail template: builds the subject and blocks from a payload; throws a TemplateError for a bad one. */
export type MailTemplate = (payload: TemplatePayload, ctx: RenderContext) => MailContent

/** An SMS template: builds the one-line body from a payload; throws a TemplateError for a bad one. */
export type SmsTemplate = (payload: TemplatePayload, ctx: RenderContext) => string

/** A footer line: a label and the link it names. */
export interface FooterLink {
  label: string
  url: string
}

/** What frames the blocks of every mail. */
export interface Frame {
  /** The product name the mail is signed with. */
  name: string
  /** The `lang` of the HTML part. */
  lang: string
  /** The colour of links, `#rrggbb`. */
  accent: string
  footer: FooterLink[]
}

export const DEFAULT_ACCENT = '#2451b7'

/** The accent when it is a `#rrggbb` colour, else the default: nothing else reaches a style attribute. */
export const accentOf = (v: string | undefined): string =>
  v && /^#[0-9a-fA-F]{6}$/.test(v) ? v.toLowerCase() : DEFAULT_ACCENT

/** A footer link only for an absolute https:, http: or mailto: URL without line breaks. */
export const footerUrl = (v: string | null | undefined): string | null => {
  if (!v || /[\p{Cc}\s]/u.test(v)) return null
  try {
    const u = new URL(v)
    return ['https:', 'http:', 'mailto:'].includes(u.protocol) ? v : null
  } catch {
    return null
  }
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const escapeHtml = (v: string): string => v.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)

/** Wraps a paragraph at spaces to lines of at most `width` characters (longer words stay whole). */
const wrap = (text: string, width = 72): string => {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/ +/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(line)
  return lines.join('\n')
}

const textOf = (b: Block): string => {
  switch (b.kind) {
    case 'p':
      return wrap(b.text)
    case 'link':
      return b.url
    case 'token':
      return `Token: ${b.token}`
    case 'code':
      return `Code: ${b.code}`
  }
}

const anchor = (url: string, accent: string): string =>
  `<a href="${escapeHtml(url)}" style="color: ${accent}">${escapeHtml(url)}</a>`

const htmlOf = (b: Block, accent: string): string => {
  switch (b.kind) {
    case 'p':
      return `<p>${escapeHtml(b.text)}</p>`
    case 'link':
      return `<p>${anchor(b.url, accent)}</p>`
    case 'token':
      return `<p>Token: <code>${escapeHtml(b.token)}</code></p>`
    case 'code':
      return `<p>Code: <code>${escapeHtml(b.code)}</code></p>`
  }
}

export const toText = (blocks: Block[], frame: Frame): string => {
  const parts = blocks.map(textOf)
  const footer = frame.footer.length > 0 ? [frame.footer.map((f) => `${f.label} ${f.url}`).join('\n')] : []
  return `${[...parts, frame.name, ...footer].join('\n\n')}\n`
}

export const toHtml = (subject: string, blocks: Block[], frame: Frame): string => {
  const accent = accentOf(frame.accent)
  const body = blocks.map((b) => htmlOf(b, accent))
  const footer = frame.footer.map(
    (f) => `<p style="font-size: 0.875em; color: #555">${escapeHtml(f.label)} ${anchor(f.url, accent)}</p>`,
  )
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(frame.lang)}">`,
    '<head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #222">',
    ...body,
    `<p>${escapeHtml(frame.name)}</p>`,
    ...footer,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
