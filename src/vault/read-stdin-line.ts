/** The first line of a stream (without its line end), for --passphrase-stdin; '' when the stream is empty. */
export async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
    if (text.includes('\n')) break
  }

  return text.split(/\r?\n/, 1)[0] ?? ''
}
