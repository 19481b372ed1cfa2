/*
 * The few pages the provider renders itself: the sign-out confirmation, its result, and an error
 * page. Plain HTML, no script and no inline style, under the server's CSP (`default-src 'none'`).
 */

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

const page = (brand: string, title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · ${escapeHtml(brand)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`

/**
 * The sign-out confirmation (`form`: the provider's hidden form, which carries its own CSRF token),
 * or, without a form, the page after signing out.
 */
export const logoutPage = (brand: string, form: string | null): string =>
  form === null
    ? page(brand, 'You are signed out', `<p>You have signed out of ${escapeHtml(brand)}.</p>`)
    : page(
        brand,
        'Sign out?',
        `<p>Do you want to sign out of ${escapeHtml(brand)}?</p>${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button> <button type="submit" form="op.logoutForm">Stay signed in</button>`,
      )

/** An error the provider could not send back to the application. */
export const errorPage = (
  brand: string,
  out: { error: string; error_description?: string | undefined },
): string =>
  page(
    brand,
    'This sign-in cannot go on',
    `<p><code>${escapeHtml(out.error)}</code></p>${out.error_description ? `<p>${escapeHtml(out.error_description)}</p>` : ''}<p>Go back to the application and try again.</p>`,
  )
