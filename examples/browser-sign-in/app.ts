/*
 * A sign-in page with @gatehouse/client and nothing else: the password (and the second step when
 * the account has one), passkeys, the current session. The page is served on the same origin as
 * Gatehouse's API, so the session travels in Gatehouse's httpOnly cookie (`cookie` mode): script
 * never holds the token.
 */
import {
  createGatehouse,
  GatehouseError,
  getCurrentSession,
  reauthenticateWithPasskey,
  registerPasskey,
  type SecondFactorStep,
  signIn,
  signInWithPasskey,
  signOut,
} from '@gatehouse/client'

const gh = createGatehouse({
  // The proof-of-work worker, served beside this page (see server.mjs).
  pow: { workerUrl: '/pow-worker.js' },
})

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const show = (id: string, visible: boolean) => {
  $(id).hidden = !visible
}
let step: SecondFactorStep | null = null

/** Shows progress while the client solves a challenge Gatehouse asked for. */
gh.challenges.subscribe((solving) => {
  show('challenge', solving !== null)
  if (!solving) return
  // The most solvers seen, for whoever wants to know how the work was shared.
  const most = Math.max(solving.solvers, Number(document.body.dataset.powSolvers ?? 0))
  document.body.dataset.powSolvers = String(most)
  $('challenge').textContent =
    `Checking this browser: ${solving.tried.toLocaleString()} of about ${solving.expected.toLocaleString()} attempts (${solving.solvers} workers)`
})

/** Runs an action; a failure is shown with Gatehouse's own words. */
const attempt = async (action: () => Promise<void>) => {
  $('error').textContent = ''
  try {
    await action()
  } catch (e) {
    $('error').textContent =
      e instanceof GatehouseError ? `${e.title}${e.detail ? `: ${e.detail}` : ''} (${e.code})` : String(e)
  }
}

const showSession = async () => {
  const { account, session } = await getCurrentSession(gh)
  step = null
  show('password-form', false)
  show('second-factor', false)
  show('session', true)
  $('username').textContent = account.username
  $('amr').textContent = session.amr.join(', ')
  $('expires').textContent = new Date(session.expires_at).toLocaleString()
}

const showSignIn = () => {
  show('session', false)
  show('second-factor', false)
  show('passkey-added', false)
  show('confirmed', false)
  show('password-form', true)
}

const askSecondFactor = (next: SecondFactorStep) => {
  step = next
  show('password-form', false)
  show('second-factor', true)
  $('methods').textContent = next.methods.join(', ')
  const codes = next.methods.filter((m) => m !== 'webauthn')
  $('method').replaceChildren(...codes.map((m) => new Option(m, m)))
  show('send-code', next.methods.includes('email'))
  show('use-passkey', next.methods.includes('webauthn'))
}

$('password-form').addEventListener('submit', (e) => {
  e.preventDefault()
  void attempt(async () => {
    const result = await signIn(gh, {
      identifier: $<HTMLInputElement>('identifier').value,
      password: $<HTMLInputElement>('password').value,
    })
    if (result.status === 'second_factor') askSecondFactor(result)
    else await showSession()
  })
})

$('second-factor').addEventListener('submit', (e) => {
  e.preventDefault()
  void attempt(async () => {
    const method = $<HTMLSelectElement>('method').value as Exclude<
      SecondFactorStep['methods'][number],
      'webauthn'
    >
    await step?.complete({ method, code: $<HTMLInputElement>('code').value.trim() })
    await showSession()
  })
})

$('send-code').addEventListener('click', () => void attempt(async () => step?.sendCode('email')))

$('use-passkey').addEventListener('click', () =>
  attempt(async () => {
    await step?.completeWithPasskey()
    await showSession()
  }),
)

$('passkey-sign-in').addEventListener('click', () =>
  attempt(async () => {
    await signInWithPasskey(gh)
    await showSession()
  }),
)

$('add-passkey').addEventListener('click', () =>
  attempt(async () => {
    const added = await registerPasskey(gh, { name: 'This browser' })
    show('passkey-added', true)
    $('passkey-added').textContent = added.recoveryCodes
      ? `Passkey added. Keep these recovery codes: ${added.recoveryCodes.join(' ')}`
      : 'Passkey added.'
  }),
)

// Before a sensitive change (a new password, removing a factor), Gatehouse wants a recent proof.
$('confirm-passkey').addEventListener('click', () =>
  attempt(async () => {
    const { authenticatedAt } = await reauthenticateWithPasskey(gh)
    show('confirmed', true)
    $('confirmed').textContent = `Confirmed at ${new Date(authenticatedAt).toLocaleTimeString()}.`
  }),
)

$('sign-out').addEventListener('click', () =>
  attempt(async () => {
    await signOut(gh)
    showSignIn()
  }),
)

// Already signed in (the cookie is still there)? Show the session; otherwise the sign-in form.
getCurrentSession(gh).then(
  () => showSession(),
  () => showSignIn(),
)
document.body.dataset.ready = 'true'
