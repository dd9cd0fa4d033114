import {expect} from 'chai'

import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'
import {clients, failure, startDevice} from './sdk-clients.js'

/** Fetches like a browser would: follows the form the page holds. */
async function submitForm(page: string, baseUrl: string, button: 'approve' | 'deny') {
  const form = /<form method="post" action="([^"]+)">/.exec(page)
  expect(form, 'the page holds a POST form').to.not.equal(null)
  const fields = new URLSearchParams()
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(match[1], match[2])
  expect(page).to.contain(`name="action" value="${button}"`)
  fields.set('action', button)
  return fetch(new URL(form![1], baseUrl), {
    body: fields.toString(),
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    method: 'POST',
  })
}

describe('sandbox approval page', () => {
  let sb: TestSandbox
  let oidc: ReturnType<typeof clients>['oidc']

  before(async () => {
    sb = await startTestSandbox()
    oidc = clients(sb.url).oidc
  })

  after(() => sb.stop())

  it('GET verificationUriComplete shows the code with Approve and Deny; POST approve lets the device flow complete', async () => {
    const {device, poll} = await startDevice(oidc)
    expect((await failure(poll)).name).to.equal('AuthorizationPendingException')
    const response = await fetch(device.verificationUriComplete!)
    expect(response.status).to.equal(200)
    expect(response.headers.get('content-type')).to.match(/^text\/html/)
    const page = await response.text()
    expect(page).to.contain(`<div class="code" id="user-code">${device.userCode}</div>`)
    expect(page).to.contain('value="deny"')
    expect((await sb.control.pendingUserCodes()).map((entry) => entry.userCode)).to.include(device.userCode)
    const decision = await submitForm(page, sb.url, 'approve')
    expect(decision.status).to.equal(200)
    expect(await decision.text()).to.contain('Request approved')
    expect((await sb.control.pendingUserCodes()).map((entry) => entry.userCode)).to.not.include(device.userCode)
    await new Promise((resolve) => {
      setTimeout(resolve, 1000)
    })
    const token = await poll()
    expect(token.accessToken).to.match(/^aoa/)
  })

  it('POST deny makes the device flow end with AccessDenied', async () => {
    const {device, poll} = await startDevice(oidc)
    const page = await (await fetch(device.verificationUriComplete!)).text()
    const decision = await submitForm(page, sb.url, 'deny')
    expect(await decision.text()).to.contain('Request denied')
    expect((await failure(poll)).name).to.equal('AccessDeniedException')
  })

  it('the bare verificationUri asks for the code; an unknown or already-decided code gets an error page', async () => {
    const {device} = await startDevice(oidc)
    const blank = await (await fetch(device.verificationUri!)).text()
    expect(blank).to.contain('name="user_code"')
    const post = (userCode: string) =>
      fetch(`${sb.url}/device`, {
        body: new URLSearchParams([
          ['action', 'approve'],
          ['user_code', userCode],
        ]).toString(),
        headers: {'content-type': 'application/x-www-form-urlencoded'},
        method: 'POST',
      })
    const typed = await post(device.userCode!.toLowerCase())
    expect(typed.status).to.equal(200)
    const again = await post(device.userCode!)
    expect(again.status).to.equal(400)
    expect(await again.text()).to.contain('already approved')
    expect((await post('ZZZZ-ZZZZ')).status).to.equal(400)
  })
})
