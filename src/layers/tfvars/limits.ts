/**
 * Size, nesting and value-count limits, checked before anything recursive or slow sees the text. hcl2-parser (and
 * the syntax checker) recurse once per nesting level and overflow the stack on deeply nested input, and the
 * parser's time grows with the number of values (a list item costs it far more than a byte of a string); so a
 * file over the size limit, nested deeper than MAX_NESTING, or a tfvars file with more than MAX_TFVARS_VALUES values
 * is refused with its line. One linear pass with an explicit stack: no recursion, whatever the input.
 */
import type {SyntaxProblem} from './hcl-scanner.js'

/** Largest file read: tfvars hold settings, never data; layer code (.tf) may be bigger. */
export const MAX_BYTES = {tf: 1024 * 1024, tfvars: 256 * 1024} as const

/** Deepest nesting of brackets, templates, unary operators or conditionals accepted. */
export const MAX_NESTING = 64

/** Most values (list items, map entries, lines holding code) read from one tfvars file. */
export const MAX_TFVARS_VALUES = 3000

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`

/** The problem for a file of `size` bytes whose first bytes are `head`, or null when it is small enough. */
export function sizeProblem(size: number, head: string, kind: 'tf' | 'tfvars'): null | SyntaxProblem {
  const max = MAX_BYTES[kind]
  if (size <= max) return null
  let line = 1
  for (let i = 0; i < Math.min(head.length, max); i++) if (head[i] === '\n') line++
  return {
    line,
    message: `the file is ${kib(size)}, over terrace's limit of ${kib(max)} for a .${kind} file (the limit is crossed on this line)`,
  }
}

const OPENERS = new Set(['(', '[', '{'])
const CLOSERS = new Set([')', ']', '}'])

type Mode =
  | {heredoc: string; kind: 'heredoc'; lineStart: boolean}
  | {kind: 'code'; questions: number; unary: number}
  | {kind: 'string'}

const code = (): Mode => ({kind: 'code', questions: 0, unary: 0})

class LimitHit extends Error {}

const tooDeep = (what: string) =>
  new LimitHit(`${what} nested more than ${MAX_NESTING} levels deep (terrace reads up to ${MAX_NESTING})`)

/** The walk of shapeProblem: `i` the position, `line` its line, one mode per open bracket, string or template. */
class Walk {
  i = 0
  line = 1
  readonly stack: Mode[] = [code()]
  private lineHasCode = false
  private values = 0

  constructor(
    private readonly text: string,
    private readonly maxValues: number,
  ) {}

  run(): void {
    const {text} = this
    for (; this.i < text.length; this.i++) {
      const mode = this.stack.at(-1)!
      const newline = text[this.i] === '\n'
      if (mode.kind === 'string') this.inString()
      else if (mode.kind === 'heredoc') this.inHeredoc(mode)
      else this.inCode(mode)
      if (newline) this.line++ // after the character: a problem found on a line break is on the line it ends
    }
  }

  /** skips a comment starting here (true), or does nothing (false) */
  private comment(): boolean {
    const {text} = this
    const pair = text.slice(this.i, this.i + 2)
    if (text[this.i] === '#' || pair === '//') {
      this.skipTo('\n', 0)
      return true
    }

    if (pair !== '/*') return false
    const from = this.i
    this.skipTo('*/', 2)
    for (let j = from; j <= this.i; j++) if (text[j] === '\n') this.line++
    return true
  }

  private countValue(): void {
    if (++this.values > this.maxValues) {
      throw new LimitHit(
        `more than ${this.maxValues} values (list items, map entries, lines) in one file (terrace reads up to ${this.maxValues} in a .tfvars file)`,
      )
    }
  }

  private heredocStart(): void {
    const marker = /^<<-?([\p{L}_][\p{L}\p{N}_-]*)[ \t\r]*\n/u.exec(this.text.slice(this.i, this.i + 300))
    if (!marker) return
    this.stack.push({heredoc: marker[1], kind: 'heredoc', lineStart: true})
    this.i += marker[0].length - 1
    this.line++
  }

  private inCode(mode: Extract<Mode, {kind: 'code'}>): void {
    const {text} = this
    const c = text[this.i]
    if (c === ' ' || c === '\t' || c === '\r' || this.comment() || this.unary(mode, c)) return
    if (c === ',' || (c === '\n' && this.lineHasCode)) this.countValue()
    this.lineHasCode = c !== '\n'
    if (c === '?' && ++mode.questions > MAX_NESTING) throw tooDeep('conditionals (a ? b : c)')
    if (c === ',' || (c === '\n' && this.stack.length === 1)) mode.questions = 0
    else if (c === '"') this.stack.push({kind: 'string'})
    else if (c === '<' && text[this.i + 1] === '<') this.heredocStart()
    else if (OPENERS.has(c)) this.push(`brackets (\`${c}\`)`)
    else if (CLOSERS.has(c) && this.stack.length > 1) this.stack.pop()
  }

  private inHeredoc(mode: Extract<Mode, {kind: 'heredoc'}>): void {
    const {text} = this
    if (mode.lineStart) {
      const end = text.indexOf('\n', this.i)
      const stop = end === -1 ? text.length : end
      if (text.slice(this.i, stop).trim() === mode.heredoc) {
        this.stack.pop()
        this.i = stop - 1
        return
      }
    }

    const c = text[this.i]
    mode.lineStart = c === '\n'
    if ((c === '$' || c === '%') && text[this.i + 1] === '{' && text[this.i - 1] !== c) {
      this.i++
      this.push('templates')
    }
  }

  private inString(): void {
    const {text} = this
    const c = text[this.i]
    if (c === '\\') this.i++
    else if (c === '"' || c === '\n')
      this.stack.pop() // a string ends at its line's end: an unclosed one is reported later
    else if ((c === '$' || c === '%') && text[this.i + 1] === c && text[this.i + 2] === '{') this.i += 2
    else if ((c === '$' || c === '%') && text[this.i + 1] === '{') {
      this.i++
      this.push('templates')
    }
  }

  private push(what: string): void {
    this.stack.push(code())
    if (this.stack.length > MAX_NESTING) throw tooDeep(what)
  }

  /** moves to the last character before `end` (or of `end` when `past` is its length); the text's end when absent */
  private skipTo(end: string, past: number): void {
    const at = this.text.indexOf(end, this.i + past)
    this.i = (at === -1 ? this.text.length : at + past) - 1
  }

  /** counts a run of unary operators (`- - - 1`): true for one, which is then consumed */
  private unary(mode: Extract<Mode, {kind: 'code'}>, c: string): boolean {
    if (c !== '-' && c !== '!') {
      mode.unary = 0
      return false
    }

    if (++mode.unary > MAX_NESTING) throw tooDeep('operators')
    return true
  }
}

/**
 * Walks the text once and returns where it first nests deeper than MAX_NESTING or holds more than `maxValues`
 * values, or null. It knows comments, strings with `${…}` / `%{…}` templates (strings nest inside templates),
 * heredocs and brackets; it is no syntax check (that comes after).
 */
export function shapeProblem(text: string, maxValues = Number.POSITIVE_INFINITY): null | SyntaxProblem {
  const walk = new Walk(text, maxValues)
  try {
    walk.run()
    return null
  } catch (error) {
    if (!(error instanceof LimitHit)) throw error
    return {line: walk.line, message: error.message}
  }
}
