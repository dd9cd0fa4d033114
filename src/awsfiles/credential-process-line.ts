/**
 * The `credential_process` value of a terrace-managed profile: absolute node and terrace entry point, so the
 * profile works without terrace on PATH. The AWS CLI splits it like a POSIX shell (shlex) and the SDKs run it
 * through a shell, so each path is quoted in a way both read the same.
 */
export function credentialProcessLine(options: {entry: string; node: string; profile: string}): string {
  return [
    quoteArg(options.node),
    quoteArg(options.entry),
    'credential-process',
    '--profile',
    quoteArg(options.profile),
  ].join(' ')
}

/** Double quotes (as the brief's examples show) unless the text holds a character special inside them. */
export function quoteArg(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text) && !text.startsWith('/')) return text
  if (!/["$`\\!']/.test(text)) return `"${text}"`
  return `'${text.replaceAll("'", String.raw`'\''`)}'`
}
