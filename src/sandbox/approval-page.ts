/** The verification page a person opens (verificationUriComplete) to approve or deny a device login. */
import {escapeXml as escapeHtml} from './xml.js'

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}
.code{font-size:2rem;letter-spacing:.2em;font-family:monospace;margin:1rem 0}
button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
<p><small>Terrace sandbox: a local AWS emulator. Nothing here reaches AWS.</small></p>
</body></html>
`
}

export function approvalPage(userCode: string | undefined, user: string): string {
  if (!userCode)
    return layout(
      'Authorize request',
      `<form method="post" action="/device">
<p><label>Code <input name="user_code" autocomplete="off" autofocus></label></p>
<button type="submit" name="action" value="approve">Approve</button>
<button type="submit" name="action" value="deny">Deny</button>
</form>`,
    )
  const code = escapeHtml(userCode)
  return layout(
    'Authorize request',
    `<p>A device asks to sign in as <strong>${escapeHtml(user)}</strong>. Check that this code matches the one it shows:</p>
<div class="code" id="user-code">${code}</div>
<form method="post" action="/device">
<input type="hidden" name="user_code" value="${code}">
<button type="submit" name="action" value="approve">Approve</button>
<button type="submit" name="action" value="deny">Deny</button>
</form>`,
  )
}

export function decisionPage(outcome: 'approved' | 'denied'): string {
  return outcome === 'approved'
    ? layout(
        'Request approved',
        '<p id="outcome">Request approved. You can close this window and return to your terminal.</p>',
      )
    : layout('Request denied', '<p id="outcome">Request denied. The device will not be signed in.</p>')
}

export function failurePage(message: string): string {
  return layout('Cannot complete the request', `<p id="outcome">${escapeHtml(message)}</p>`)
}
