import { existsSync, statSync } from 'node:fs'
import { z } from 'zod'
import { LOCALES, type Locale } from '../../kernel/locale.js'
import { choice, format, optional, type Setting, section, url, type Values } from '../kinds.js'

export { LOCALES, type Locale } from '../../kernel/locale.js'

const origins = format(
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
    )
    .pipe(
      z.array(
        z
          .string()
          .url()
          .refine((u) => {
            const p = new URL(u)
            return (
              (p.protocol === 'https:' || p.protocol === 'http:') &&
              !p.username &&
              !p.password &&
              !p.search &&
              !p.hash
            )
          }),
      ),
    ),
  'must be comma-separated http(s) URLs without user, query or fragment, such as https://app.example.com/',
)

const rows = {
  brandName: {
    env: 'GATEHOUSE_BRAND_NAME',
    default: 'Gatehouse',
    doc: 'The product name people see: in the account pages, and in every mail and text.',
    schema: format(
      z
        .string()
        .trim()
        .min(1)
        .max(64)
        .refine((v) => !/[\p{Cc}\u2028\u2029]/u.test(v)),
      'must be 1 to 64 characters long, on one line',
    ),
  },
  brandLogoFile: {
    env: 'GATEHOUSE_BRAND_LOGO_FILE',
    default: undefined,
    doc: 'An SVG or PNG file (at most 256 KiB) shown at the top of the account pages; Gatehouse serves it itself at `/pages/brand/logo`, so the pages load nothing from another origin.',
    schema: optional(
      format(
        z.string().refine((f) => /\.(svg|png)$/i.test(f) && existsSync(f) && statSync(f).isFile()),
        'must name an existing .svg or .png file',
      ),
    ),
  },
  brandAccent: {
    env: 'GATEHOUSE_BRAND_ACCENT',
    default: '#2451b7',
    doc: 'Accent colour of buttons and links in the account pages and mails (`#rrggbb`). Pick one with at least 4.5:1 contrast on white.',
    schema: format(z.string().regex(/^#[0-9a-fA-F]{6}$/), 'must be a colour such as #2451b7'),
  },
  brandSupportUrl: {
    env: 'GATEHOUSE_BRAND_SUPPORT_URL',
    default: undefined,
    doc: 'Where people get help (https:// or mailto:), linked from the account pages and mails.',
    schema: optional(url(['https:', 'http:', 'mailto:'])),
  },
  brandTermsUrl: {
    env: 'GATEHOUSE_BRAND_TERMS_URL',
    default: undefined,
    doc: 'Terms of service, linked from the account pages and sign-up.',
    schema: optional(url(['https:', 'http:'])),
  },
  brandPrivacyUrl: {
    env: 'GATEHOUSE_BRAND_PRIVACY_URL',
    default: undefined,
    doc: 'Privacy notice, linked from the account pages, sign-up and mails.',
    schema: optional(url(['https:', 'http:'])),
  },
  defaultLocale: {
    env: 'GATEHOUSE_DEFAULT_LOCALE',
    default: 'en',
    doc: "Language of pages, mails and texts when neither the account's stored language nor the browser's `Accept-Language` names one Gatehouse has.",
    schema: choice(LOCALES),
  },
  returnUrls: {
    env: 'GATEHOUSE_RETURN_URLS',
    default: undefined,
    doc: 'Comma-separated URLs the account pages may send people back to after sign-in (`return_to`): a `return_to` is followed only when it has the origin of one of them and starts with its path; anything else is ignored, never followed.',
    schema: optional(origins),
  },
} as const satisfies Record<string, Setting>

export interface BrandingSettings {
  name: string
  logoFile: string | null
  accent: string
  supportUrl: string | null
  termsUrl: string | null
  privacyUrl: string | null
  defaultLocale: Locale
  /** Allowed `return_to` prefixes, each an absolute http(s) URL. */
  returnUrls: string[]
}

export const branding = section(
  'Branding, languages and return addresses',
  rows,
  (v: Values<typeof rows>): BrandingSettings => ({
    name: v.brandName,
    logoFile: v.brandLogoFile ?? null,
    accent: v.brandAccent.toLowerCase(),
    supportUrl: v.brandSupportUrl ?? null,
    termsUrl: v.brandTermsUrl ?? null,
    privacyUrl: v.brandPrivacyUrl ?? null,
    defaultLocale: v.defaultLocale,
    returnUrls: v.returnUrls ?? [],
  }),
)
