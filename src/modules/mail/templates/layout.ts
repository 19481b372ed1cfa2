/**
 * The one layout every mail shares: a template builds a subject and a list of blocks, and these turn
 * the blocks into the text part (paragraphs wrapped at 72 characters) and the HTML part (every value
 * escaped), each signed with the product name.
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

const htmlOf = (b: Block): string => {
  switch (b.kind) {
    case 'p':
      return `<p>${escapeHtml(b.text)}</p>`
    case 'link':
      return `<p><a href="${escapeHtml(b.url)}">${escapeHtml(b.url)}</a></p>`
    case 'token':
      return `<p>Token: <code>${escapeHtml(b.token)}</code></p>`
    case 'code':
      return `<p>Code: <code>${escapeHtml(b.code)}</code></p>`
  }
}

export const toText = (blocks: Block[], name: string): string => {
  const parts = blocks.map(textOf)
  return `${[...parts, name].join('\n\n')}\n`
}

export const toHtml = (subject: string, blocks: Block[], name: string): string => {
  const body = blocks.map(htmlOf)
  return [
    '<!doctype html>',
    '<html>',
    '<head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #222">',
    ...body,
    `<p>${escapeHtml(name)}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
