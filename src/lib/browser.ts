import {spawn} from 'node:child_process'

/** Opens a URL in the user's browser, detached; failure is not an error (the URL is printed anyway). */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): boolean {
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(command, args, {detached: true, stdio: 'ignore'})
    child.on('error', () => {})
    child.unref()
    return true
  } catch {
    return false
  }
}
