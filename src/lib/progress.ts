/**
 * A status line on stderr: an animated spinner on a terminal, plain lines (at most one per `plainEveryMs`)
 * elsewhere so CI logs stay readable.
 */
export interface Progress {
  stop(finalLine?: string): void
  /** replace the status text; `important` lines are always printed in plain (non-terminal) mode */
  update(text: string, important?: boolean): void
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export function startProgress(
  text: string,
  options: {isTTY?: boolean; plainEveryMs?: number; stream?: NodeJS.WriteStream} = {},
): Progress {
  const stream = options.stream ?? process.stderr
  const tty = options.isTTY ?? Boolean(stream.isTTY)
  let current = text
  if (!tty) {
    const every = options.plainEveryMs ?? 30_000
    let last = Date.now()
    stream.write(`${current}\n`)
    return {
      stop(finalLine) {
        if (finalLine) stream.write(`${finalLine}\n`)
      },
      update(next, important) {
        if (!important && Date.now() - last < every) return
        current = next
        last = Date.now()
        stream.write(`${current}\n`)
      },
    }
  }

  let frame = 0
  const draw = () => stream.write(`\r\u001B[2K${FRAMES[frame++ % FRAMES.length]} ${current}`)
  draw()
  const timer = setInterval(draw, 100)
  timer.unref()
  return {
    stop(finalLine) {
      clearInterval(timer)
      stream.write('\r\u001B[2K')
      if (finalLine) stream.write(`${finalLine}\n`)
    },
    update(next) {
      current = next
    },
  }
}
