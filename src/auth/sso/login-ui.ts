import {openBrowser} from '../../lib/browser.js'
import {Progress, startProgress} from '../../lib/progress.js'
import {LoginUi} from './sso-login.js'
import {DeviceAuthorization} from './types.js'

/** What a person sees during the device flow: the URL and code, the browser opening, a spinner while waiting. */
export function loginUi(options: {openBrowser: boolean; stream?: NodeJS.WriteStream}): LoginUi & {done(): void} {
  const stream = options.stream ?? process.stderr
  let progress: Progress | undefined
  let expiresAt = 0
  const waiting = () => {
    const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000))
    return `Waiting for approval in the browser (code expires in ${Math.floor(left / 60)}m${String(left % 60).padStart(2, '0')}s)…`
  }

  return {
    done() {
      progress?.stop()
      progress = undefined
    },
    onCode(authorization: DeviceAuthorization) {
      const url = authorization.verificationUriComplete ?? authorization.verificationUri
      expiresAt = Date.now() + authorization.expiresIn * 1000
      stream.write(
        `To log in, open this URL in a browser and approve the request:\n\n  ${url}\n\nCheck that it shows the code: ${authorization.userCode}\n\n`,
      )
      if (options.openBrowser) openBrowser(url)
      progress = startProgress(waiting(), {stream})
    },
    onPoll() {
      progress?.update(waiting())
    },
    onSlowDown(intervalMs: number) {
      progress?.update(`AWS asked terrace to poll less often; now every ${intervalMs / 1000}s.`, true)
    },
  }
}
