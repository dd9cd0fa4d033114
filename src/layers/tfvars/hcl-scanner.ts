/**
 * A small HCL syntax checker. hcl2-parser reports a syntax error with no message and no position, so terrace
 * finds the first offending line itself. This is a validator only (it builds no values) and is deliberately
 * liberal about expressions: it knows the token and bracket structure of HCL native syntax, not its semantics.
 */
export interface SyntaxProblem {
  line: number
  message: string
}

type TokenType = 'eof' | 'heredoc' | 'ident' | 'newline' | 'number' | 'punct' | 'string'

interface Token {
  line: number
  type: TokenType
  value: string
}

class ScanError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

const PUNCT3 = ['...']
const PUNCT2 = ['==', '!=', '<=', '>=', '&&', '||', '=>', '::']
const PUNCT1 = '=:,{}[]().?!+-*/%<>'
const BINARY = new Set(['!=', '%', '&&', '*', '+', '-', '/', '<', '<=', '==', '>', '>=', '||'])
const CLOSERS: Record<string, string> = {'(': ')', '[': ']', '{': '}'}
const ESCAPES = new Set(['"', '\\', 'n', 'r', 't'])

const isIdentStart = (c: string | undefined) => c !== undefined && /[\p{L}_]/u.test(c)
const isIdentPart = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_-]/u.test(c)
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'

function describe(token: Token): string {
  switch (token.type) {
    case 'eof': {
      return 'end of file'
    }

    case 'newline': {
      return 'end of line'
    }

    case 'string': {
      return token.value.length > 30 ? `${token.value.slice(0, 27)}..."` : token.value
    }

    default: {
      return `\`${token.value}\``
    }
  }
}

class Lexer {
  /** brackets currently open, innermost last: an end of file inside one is reported at its line */
  readonly open: Array<{char: string; line: number}> = []
  private line = 1
  private peeked: Token | undefined
  private pos = 0
  private previous: Token | undefined

  constructor(private readonly text: string) {}

  next(): Token {
    const token = this.peek()
    this.peeked = undefined
    this.previous = token
    return token
  }

  peek(): Token {
    this.peeked ??= this.read()
    if (this.peeked.type === 'eof' && this.open.length > 0) {
      const inner = this.open.at(-1)!
      throw new ScanError(
        inner.line,
        `\`${inner.char}\` opened here is never closed (missing \`${CLOSERS[inner.char]}\`)`,
      )
    }

    return this.peeked
  }

  /** skips newlines (inside brackets and after operators they carry no meaning) */
  skipNewlines(): void {
    while (this.peek().type === 'newline') this.next()
  }

  private read(): Token {
    this.skipSpaceAndComments()
    const {text} = this
    const {line} = this
    const c = text[this.pos]
    if (c === undefined) return {line, type: 'eof', value: ''}
    if (c === '\n') {
      this.pos++
      this.line++
      return {line, type: 'newline', value: '\n'}
    }

    if (c === '"') return this.readString()
    if (c === '<' && text[this.pos + 1] === '<' && /[-\p{L}_]/u.test(text[this.pos + 2] ?? ''))
      return this.readHeredoc()
    if (isDigit(c)) return this.readNumber()
    if (isIdentStart(c)) {
      const start = this.pos
      while (isIdentPart(text[this.pos])) this.pos++
      return {line, type: 'ident', value: text.slice(start, this.pos)}
    }

    for (const group of [PUNCT3, PUNCT2]) {
      const match = group.find((p) => text.startsWith(p, this.pos))
      if (match) {
        this.pos += match.length
        return {line, type: 'punct', value: match}
      }
    }

    if (PUNCT1.includes(c)) {
      this.pos++
      return {line, type: 'punct', value: c}
    }

    throw new ScanError(line, `unexpected character \`${c}\``)
  }

  private readHeredoc(): Token {
    const {text} = this
    const {line} = this
    const start = this.pos
    this.pos += text[this.pos + 2] === '-' ? 3 : 2
    const markerStart = this.pos
    while (isIdentPart(text[this.pos])) this.pos++
    const marker = text.slice(markerStart, this.pos)
    if (!isIdentStart(marker[0])) throw new ScanError(line, 'heredoc needs a marker name after `<<` (e.g. <<EOT)')
    while (text[this.pos] === ' ' || text[this.pos] === '\t' || text[this.pos] === '\r') this.pos++
    if (text[this.pos] !== '\n') throw new ScanError(line, `heredoc marker <<${marker} must end its line`)
    this.pos++
    this.line++
    while (this.pos < text.length) {
      const end = text.indexOf('\n', this.pos)
      const lineEnd = end === -1 ? text.length : end
      const content = text.slice(this.pos, lineEnd).trim()
      this.pos = end === -1 ? text.length : end
      if (content === marker) return {line, type: 'heredoc', value: text.slice(start, this.pos)}
      if (end !== -1) {
        this.pos++
        this.line++
      }
    }

    throw new ScanError(line, `unterminated heredoc: no line with just \`${marker}\` closes <<${marker}`)
  }

  private readNumber(): Token {
    const {text} = this
    const {line} = this
    const start = this.pos
    const afterDot = this.previous?.type === 'punct' && this.previous.value === '.'
    while (isDigit(text[this.pos])) this.pos++
    if (!afterDot) {
      if (text[this.pos] === '.' && text[this.pos + 1] !== '.') {
        this.pos++
        if (!isDigit(text[this.pos]))
          throw new ScanError(
            line,
            `bad number \`${text.slice(start, this.pos)}\`: digits must follow the decimal point`,
          )
        while (isDigit(text[this.pos])) this.pos++
      }

      if (text[this.pos] === 'e' || text[this.pos] === 'E') {
        this.pos++
        if (text[this.pos] === '+' || text[this.pos] === '-') this.pos++
        if (!isDigit(text[this.pos]))
          throw new ScanError(line, `bad number \`${text.slice(start, this.pos)}\`: the exponent has no digits`)
        while (isDigit(text[this.pos])) this.pos++
      }
    }

    if (isIdentPart(text[this.pos]) || (text[this.pos] === '.' && isDigit(text[this.pos + 1]) && !afterDot)) {
      let end = this.pos
      while (isIdentPart(text[end]) || text[end] === '.') end++
      throw new ScanError(line, `bad number \`${text.slice(start, end)}\``)
    }

    return {line, type: 'number', value: text.slice(start, this.pos)}
  }

  private readString(): Token {
    const {text} = this
    const {line} = this
    const start = this.pos
    this.pos++
    for (;;) {
      const c = text[this.pos]
      if (c === undefined || c === '\n') throw new ScanError(line, 'unclosed string (missing closing `"` on this line)')
      if (c === '"') {
        this.pos++
        return {line, type: 'string', value: text.slice(start, this.pos)}
      }

      if (c === '\\') {
        const e = text[this.pos + 1]
        if (e !== undefined && ESCAPES.has(e)) this.pos += 2
        else if (e === 'u' && /^[\da-f]{4}$/i.test(text.slice(this.pos + 2, this.pos + 6))) this.pos += 6
        else if (e === 'U' && /^[\da-f]{8}$/i.test(text.slice(this.pos + 2, this.pos + 10))) this.pos += 10
        else
          throw new ScanError(
            this.line,
            `invalid escape \`\\${e ?? ''}\` in string (valid: \\" \\\\ \\n \\r \\t \\uNNNN; a literal \${ is $\${)`,
          )
        continue
      }

      if ((c === '$' || c === '%') && text[this.pos + 1] === c && text[this.pos + 2] === '{') {
        this.pos += 3
        continue
      }

      if ((c === '$' || c === '%') && text[this.pos + 1] === '{') {
        this.skipTemplate(c)
        continue
      }

      this.pos++
    }
  }

  private skipSpaceAndComments(): void {
    const {text} = this
    for (;;) {
      const c = text[this.pos]
      if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
        this.pos++
      } else if (c === '#' || (c === '/' && text[this.pos + 1] === '/')) {
        while (this.pos < text.length && text[this.pos] !== '\n') this.pos++
      } else if (c === '/' && text[this.pos + 1] === '*') {
        const end = text.indexOf('*/', this.pos + 2)
        if (end === -1) throw new ScanError(this.line, 'unclosed comment (`/*` without `*/`)')
        for (let i = this.pos; i < end; i++) if (text[i] === '\n') this.line++
        this.pos = end + 2
      } else {
        return
      }
    }
  }

  /** skips `${ … }` / `%{ … }` inside a string, nested strings and braces included */
  private skipTemplate(kind: string): void {
    const {text} = this
    const {line} = this
    this.pos += 2
    let depth = 1
    while (depth > 0) {
      const c = text[this.pos]
      if (c === undefined) throw new ScanError(line, `unclosed \`${kind}{\` in string (missing \`}\`)`)
      if (c === '"') {
        try {
          this.readString()
        } catch {
          throw new ScanError(line, `unclosed \`${kind}{\` in string (missing \`}\`)`)
        }

        continue
      }

      if (c === '\n') this.line++
      depth += c === '{' ? 1 : c === '}' ? -1 : 0
      this.pos++
    }
  }
}

class Checker {
  constructor(
    private readonly lex: Lexer,
    private readonly blocks: boolean,
  ) {}

  body(nested: boolean): void {
    const {lex} = this
    const seen = new Map<string, number>()
    for (;;) {
      lex.skipNewlines()
      const token = lex.peek()
      if (token.type === 'eof') return
      if (token.type === 'punct' && token.value === '}') {
        if (nested) return
        throw new ScanError(token.line, 'unexpected `}` (nothing to close)')
      }

      if (token.type === 'string') {
        throw new ScanError(
          token.line,
          `quoted key ${describe(token)} is not allowed at top level: write the name without quotes`,
        )
      }

      if (token.type !== 'ident') throw new ScanError(token.line, `unexpected ${describe(token)}; expected a key name`)
      lex.next()
      const after = lex.peek()
      if (after.type === 'punct' && after.value === '=') {
        lex.next()
        const first = seen.get(token.value)
        if (first !== undefined) {
          throw new ScanError(token.line, `duplicate key \`${token.value}\` (already set on line ${first})`)
        }

        seen.set(token.value, token.line)
        this.expression()
        const end = lex.peek()
        if (end.type === 'newline' || end.type === 'eof' || (nested && end.value === '}' && end.type === 'punct'))
          continue
        throw new ScanError(
          end.line,
          `unexpected ${describe(end)} after the value of \`${token.value}\` (one key = value per line)`,
        )
      }

      const blockStart =
        after.type === 'string' || after.type === 'ident' || (after.type === 'punct' && after.value === '{')
      if (blockStart && !this.blocks) {
        throw new ScanError(
          token.line,
          `missing \`=\` after \`${token.value}\` (blocks are not allowed in a tfvars file: write ${token.value} = { … })`,
        )
      }

      if (blockStart) {
        this.block()
        continue
      }

      throw new ScanError(token.line, `missing \`=\` after \`${token.value}\` (found ${describe(after)})`)
    }
  }

  expression(): void {
    const {lex} = this
    this.binary()
    if (this.isPunct('?')) {
      lex.next()
      lex.skipNewlines()
      this.expression()
      lex.skipNewlines()
      this.expect(':', 'in a conditional (a ? b : c)')
      lex.skipNewlines()
      this.expression()
    }
  }

  private binary(): void {
    const {lex} = this
    this.postfix()
    for (;;) {
      const token = lex.peek()
      if (token.type !== 'punct' || !BINARY.has(token.value)) return
      lex.next()
      lex.skipNewlines()
      this.postfix()
    }
  }

  private block(): void {
    const {lex} = this
    let token = lex.next()
    while (token.type === 'string' || token.type === 'ident') token = lex.next()
    if (token.type !== 'punct' || token.value !== '{') {
      throw new ScanError(token.line, `unexpected ${describe(token)} in a block header; expected \`{\``)
    }

    const open = lex.open.push({char: '{', line: token.line}) - 1
    this.body(true)
    lex.next()
    lex.open.length = open
  }

  private call(line: number): void {
    const {lex} = this
    lex.next()
    lex.open.push({char: '(', line})
    for (;;) {
      lex.skipNewlines()
      if (this.isPunct(')')) break
      this.expression()
      lex.skipNewlines()
      if (this.isPunct('...')) lex.next()
      lex.skipNewlines()
      if (this.isPunct(',')) {
        lex.next()
        continue
      }

      if (!this.isPunct(')')) this.unexpected('expected `,` or `)` in function arguments')
    }

    lex.next()
    lex.open.pop()
  }

  private expect(value: string, where: string): void {
    if (!this.isPunct(value)) this.unexpected(`expected \`${value}\` ${where}`)
    this.lex.next()
  }

  private isPunct(value: string): boolean {
    const token = this.lex.peek()
    return token.type === 'punct' && token.value === value
  }

  private list(line: number): void {
    const {lex} = this
    lex.open.push({char: '[', line})
    lex.skipNewlines()
    if (lex.peek().type === 'ident' && lex.peek().value === 'for') this.skipBalanced()
    else
      for (;;) {
        lex.skipNewlines()
        if (this.isPunct(']')) break
        this.expression()
        lex.skipNewlines()
        if (this.isPunct(',')) {
          lex.next()
          continue
        }

        if (!this.isPunct(']')) this.unexpected('expected `,` or `]` between list items')
      }

    lex.next()
    lex.open.pop()
  }

  private object(line: number): void {
    const {lex} = this
    lex.open.push({char: '{', line})
    lex.skipNewlines()
    if (lex.peek().type === 'ident' && lex.peek().value === 'for') {
      this.skipBalanced()
    } else {
      for (;;) {
        lex.skipNewlines()
        if (this.isPunct('}')) break
        const key = lex.peek()
        if (key.type === 'ident' || key.type === 'string' || key.type === 'number') lex.next()
        else if (key.type === 'punct' && key.value === '(') this.postfix()
        else this.unexpected('expected a key inside `{ }`')
        if (!this.isPunct('=') && !this.isPunct(':')) this.unexpected(`missing \`=\` after key ${describe(key)}`)
        lex.next()
        this.expression()
        const sep = lex.peek()
        if (sep.type === 'punct' && sep.value === ',') lex.next()
        else if (sep.type !== 'newline' && !(sep.type === 'punct' && sep.value === '}'))
          this.unexpected('expected `,` or a new line between map entries')
      }
    }

    lex.next()
    lex.open.pop()
  }

  private postfix(): void {
    const {lex} = this
    this.primary()
    for (;;) {
      if (this.isPunct('.')) {
        lex.next()
        const name = lex.next()
        if (name.type === 'ident' || name.type === 'number' || (name.type === 'punct' && name.value === '*')) continue
        throw new ScanError(name.line, `unexpected ${describe(name)} after \`.\`; expected an attribute name`)
      }

      if (this.isPunct('[')) {
        const {line} = lex.next()
        lex.open.push({char: '[', line})
        lex.skipNewlines()
        if (this.isPunct('*')) lex.next()
        else this.expression()
        lex.skipNewlines()
        this.expect(']', 'to close the index')
        lex.open.pop()
        continue
      }

      return
    }
  }

  private primary(): void {
    const {lex} = this
    const token = lex.next()
    switch (token.type) {
      case 'heredoc':
      case 'number':
      case 'string': {
        return
      }

      case 'ident': {
        while (this.isPunct('::')) {
          lex.next()
          if (lex.next().type !== 'ident') throw new ScanError(token.line, 'expected a name after `::`')
        }

        if (this.isPunct('(')) this.call(token.line)
        return
      }

      case 'eof':
      case 'newline': {
        throw new ScanError(token.line, 'missing value (nothing after `=`)')
      }

      case 'punct': {
        if (token.value === '-' || token.value === '!') {
          this.postfix()
          return
        }

        if (token.value === '[') return this.list(token.line)
        if (token.value === '{') return this.object(token.line)
        if (token.value === '(') {
          lex.open.push({char: '(', line: token.line})
          lex.skipNewlines()
          this.expression()
          lex.skipNewlines()
          this.expect(')', 'to close `(`')
          lex.open.pop()
          return
        }
      }
    }

    throw new ScanError(token.line, `unexpected ${describe(token)}; expected a value`)
  }

  /** for-expressions: checked for bracket balance only */
  private skipBalanced(): void {
    const {lex} = this
    const base = lex.open.length
    for (;;) {
      const token = lex.peek()
      if (token.type === 'punct' && (token.value === ']' || token.value === '}' || token.value === ')')) {
        if (lex.open.length === base) return
        const inner = lex.open.at(-1)!
        if (CLOSERS[inner.char] !== token.value) this.unexpected(`expected \`${CLOSERS[inner.char]}\``)
        lex.open.pop()
      } else if (token.type === 'punct' && CLOSERS[token.value]) {
        lex.open.push({char: token.value, line: token.line})
      }

      lex.next()
    }
  }

  private unexpected(expected: string): never {
    const token = this.lex.peek()
    throw new ScanError(token.line, `unexpected ${describe(token)}: ${expected}`)
  }
}

/**
 * Returns the first syntax problem in HCL text (1-based line and what is wrong), or null when none is found.
 * `blocks: false` (tfvars) reports a block (`name {`) as a missing `=`.
 */
export function findSyntaxError(text: string, options: {blocks?: boolean} = {}): null | SyntaxProblem {
  try {
    new Checker(new Lexer(text), options.blocks ?? true).body(false)
    return null
  } catch (error) {
    if (error instanceof ScanError) return {line: error.line, message: error.message}
    throw error
  }
}
