/**
 * Reading a template's payload and render context: every value a template puts into a mail or an
 * SMS goes through one of these, so none can break or forge a line, and a missing field names
 * itself, never a value.
 */

import type { Locale } from '../../../kernel/locale.js'

export type TemplatePayload = Record<string, string | number | boolean | null>

/** What mails show of the brand besides its name (GATEHOUSE_BRAND_*). */
export interface MailBrand {
  /** Colour of links in the HTML part, `#rrggbb`. */
  accent?: string
  /** Linked from the footer of every mail when set (https:, http: or mailto:). */
  supportUrl?: string | null
  /** Linked from the footer of every mail when set. */
  privacyUrl?: string | null
}

export interface RenderContext {
  /** The configured public origin (GATEHOUSE_PUBLIC_URL); the only base for links, never a request's Host. */
  publicUrl: string
  productName?: string
  /** The language the message is written in; English when absent. */
  locale?: Locale
  brand?: MailBrand
}

/** Thrown for an unknown template or a payload that lacks a field; the worker abandons the message. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError'
}

/** Control characters (line breaks included) become spaces: a value can neither break a line nor forge one. */
export const oneLine = (v: string): string => v.replace(/[\p{Cc}\u2028\u2029]/gu, ' ')

/** A required text field; the error names the field, never its value. */
export const field = (payload: TemplatePayload, key: string): string => {
  const v = Object.hasOwn(payload, key) ? payload[key] : undefined
  if (typeof v === 'string' && v.trim() !== '') return oneLine(v)
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  throw new TemplateError(`template payload lacks "${key}"`)
}

export const tokenField = (payload: TemplatePayload): string => {
  const token = Object.hasOwn(payload, 'token') ? payload.token : undefined
  // Printable ASCII without spaces, so that "Token: <token>" and the link carry it unchanged.
  if (typeof token !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(token)) {
    throw new TemplateError('template payload lacks a valid "token"')
  }
  return token
}

export const positiveInt = (payload: TemplatePayload, key: string): number | undefined => {
  const v = Object.hasOwn(payload, key) ? payload[key] : undefined
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined
}

/** An optional field that, when present, must be exactly `digits` ASCII digits (never more of a number). */
export const digitsField = (payload: TemplatePayload, key: string, digits: number): string | null => {
  if (!Object.hasOwn(payload, key)) return null
  const v = payload[key]
  if (typeof v !== 'string' || !new RegExp(`^[0-9]{${digits}}$`).test(v)) {
    throw new TemplateError(`template payload has an invalid "${key}"`)
  }
  return v
}

export const baseUrl = (ctx: RenderContext): string => {
  const url = new URL(ctx.publicUrl)
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TemplateError('publicUrl must be http(s)')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

export const product = (ctx: RenderContext): string => oneLine(ctx.productName?.trim() || 'Gatehouse')
