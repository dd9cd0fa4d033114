import {ConfigError} from '../lib/errors.js'
import {escapeName, isSafeProfileName, isSafeValue, SAFE_SETTING_KEY} from './safe-names.js'

/**
 * terrace's managed block inside the user's AWS config, edited as text: everything outside the two marker lines
 * is kept byte for byte. Pure functions (no file access).
 */
export const BLOCK_BEGIN =
  '# >>> terrace managed profiles (do not edit: `terrace aws configure sso` rewrites this block) >>>'
export const BLOCK_END = '# <<< terrace managed profiles <<<'

/** One profile section terrace writes: `[profile <name>]` (or `[default]`) and its settings, in order. */
export interface AwsProfileSection {
  name: string
  settings: Array<[key: string, value: string]>
}

/**
 * How the file names its sections: the config file `[profile x]` / `[default]`, the credentials file `[x]`. The block
 * and its markers are the same in both.
 */
export type SectionStyle = 'config' | 'credentials'

export interface BlockEdit {
  /** profiles to drop from the block (names); `all` empties it */
  remove?: 'all' | string[]
  /** names defined elsewhere (the credentials file) that `set` must not use: name → where (`file:line`) */
  reserved?: Map<string, string>
  /** profiles to add or replace in the block */
  set?: AwsProfileSection[]
  /** the file's section style (config when absent) */
  style?: SectionStyle
}

export interface BlockEditResult {
  /** names of `set` profiles whose text changed or that were added */
  changed: string[]
  /** `set` profiles not written because the user defines the name outside the block: name and `file:line` */
  clashes: Array<{name: string; where: string}>
  /** names removed from the block */
  removed: string[]
  text: string
  /** names of `set` profiles already present with the same text */
  unchanged: string[]
}

interface ParsedFile {
  /** text after the end marker line (including its line ending), or '' */
  after: string
  /** text before the begin marker line */
  before: string
  /** the block's profiles as raw lines (without line endings), in file order */
  block: Map<string, string[]> | null
  /** whether the end marker line had a line ending */
  endHasEol: boolean
  eol: '\n' | '\r\n'
  /** 0-based line indexes of the begin and end markers */
  range: [number, number] | null
}

const SECTION = /^\s*\[\s*([^\]]*?)\s*\]/

/**
 * The profile a section header names: `[profile x]` → x, `[default]` → default; other sections → null. In the
 * credentials style every section names its profile: `[x]` → x.
 */
export function sectionProfile(line: string, style: SectionStyle = 'config'): null | string {
  const match = SECTION.exec(line)
  if (!match) return null
  const header = match[1]
  if (style === 'credentials') return header
  if (header === 'default') return 'default'
  const profile = /^profile\s+(.+)$/.exec(header)
  return profile ? profile[1].trim() : null
}

export function detectEol(text: string): '\n' | '\r\n' {
  const first = text.indexOf('\n')
  return first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n'
}

const isMarker = (line: string, marker: string): boolean => line.replace(/\r$/, '').trim() === marker

function parse(text: string, file: string, style: SectionStyle = 'config'): ParsedFile {
  const eol = detectEol(text)
  const lines = text.split('\n')
  const begins = lines.flatMap((line, i) => (isMarker(line, BLOCK_BEGIN) ? [i] : []))
  const ends = lines.flatMap((line, i) => (isMarker(line, BLOCK_END) ? [i] : []))
  if (begins.length === 0 && ends.length === 0)
    return {after: '', before: text, block: null, endHasEol: true, eol, range: null}
  if (begins.length !== 1 || ends.length !== 1 || ends[0] < begins[0]) {
    const at = (begins.length === 1 ? ends : begins)[1] ?? begins[0] ?? ends[0]
    throw new ConfigError(
      `${file}:${at + 1}: terrace's managed block is broken (its marker lines are missing, repeated or out of order).`,
      {
        suggestion: `Remove the lines between "${BLOCK_BEGIN.slice(0, 36)}…" and "${BLOCK_END}" (and the markers), then run \`terrace aws configure sso\` again.`,
      },
    )
  }

  const [begin, end] = [begins[0], ends[0]]
  const block = new Map<string, string[]>()
  let current: null | string[] = null
  for (let i = begin + 1; i < end; i++) {
    const line = lines[i].replace(/\r$/, '')
    const name = sectionProfile(line, style)
    if (name !== null) {
      current = [line]
      block.set(name, current)
    } else if (current && line.trim() !== '') {
      current.push(line)
    }
  }

  return {
    after: lines.slice(end + 1).join('\n'),
    before: lines.slice(0, begin).join('\n') + (begin > 0 ? '\n' : ''),
    block,
    endHasEol: end + 1 < lines.length,
    eol,
    range: [begin, end],
  }
}

/** The names of the profiles in terrace's block (none when there is no block). */
export function blockProfileNames(text: string, file = 'AWS config', style: SectionStyle = 'config'): string[] {
  return [...(parse(text, file, style).block?.keys() ?? [])]
}

/** Profiles the user defined outside terrace's block (`[profile x]` → x, `[default]` → default), with line numbers. */
export function userProfiles(text: string, file = 'AWS config', style: SectionStyle = 'config'): Map<string, number> {
  const parsed = parse(text, file, style)
  const found = new Map<string, number>()
  for (const [i, line] of text.split('\n').entries()) {
    if (parsed.range && i >= parsed.range[0] && i <= parsed.range[1]) continue
    const name = sectionProfile(line, style)
    if (name !== null && !found.has(name)) found.set(name, i + 1)
  }

  return found
}

/** The section's lines. Refuses (ConfigError) a name or setting that could break out of its line or header. */
export function renderSection(section: AwsProfileSection, style: SectionStyle = 'config'): string[] {
  if (section.name !== 'default' && !isSafeProfileName(section.name))
    throw new ConfigError(`refusing to write the profile ${escapeName(section.name)}: not a safe profile name.`)
  for (const [key, value] of section.settings) {
    if (!SAFE_SETTING_KEY.test(key) || !isSafeValue(value))
      throw new ConfigError(
        `refusing to write the profile ${section.name}: its setting ${escapeName(key)} = ${escapeName(value)} could break the file's lines.`,
      )
  }

  const header =
    section.name === 'default' || style === 'credentials' ? `[${section.name}]` : `[profile ${section.name}]`
  return [header, ...section.settings.map(([key, value]) => `${key} = ${value}`)]
}

/**
 * Applies `edit` to the block of `text` (creating the block at the end of the file, or removing it when it ends up
 * empty). A `set` profile the user defines outside the block (or that `reserved` names) is not written: it is
 * returned in `clashes`, and the other profiles are.
 */
export function editManagedBlock(text: string, edit: BlockEdit, file: string): BlockEditResult {
  return editText(text, edit, file, (line) => line)
}

/**
 * editManagedBlock on the file's bytes: every byte outside the block is kept as it is, also bytes that are not
 * valid UTF-8 (the text is read one char per byte, latin1, which round-trips any byte; the markers are ASCII). The
 * lines terrace writes are encoded as UTF-8.
 */
export function editManagedBlockBytes(bytes: Buffer, edit: BlockEdit, file: string): BlockEditResult & {bytes: Buffer} {
  const result = editText(bytes.toString('latin1'), edit, file, (line) => Buffer.from(line, 'utf8').toString('latin1'))
  const out = Buffer.from(result.text, 'latin1')
  return {...result, bytes: out, text: out.toString('utf8')}
}

function editText(text: string, edit: BlockEdit, file: string, encode: (line: string) => string): BlockEditResult {
  const style = edit.style ?? 'config'
  const parsed = parse(text, file, style)
  const user = userProfiles(text, file, style)
  const where = (name: string) => (user.has(name) ? `${file}:${user.get(name)}` : edit.reserved?.get(name))
  const clashes = (edit.set ?? []).flatMap((s) => {
    const at = where(s.name)
    return at === undefined ? [] : [{name: s.name, where: at}]
  })
  const toSet = (edit.set ?? []).filter((s) => where(s.name) === undefined)
  const block = new Map(parsed.block ?? [])
  const removed: string[] = []
  const removeNames = edit.remove === 'all' ? [...block.keys()] : (edit.remove ?? [])
  for (const name of removeNames) if (block.delete(name)) removed.push(name)
  const changed: string[] = []
  const unchanged: string[] = []
  for (const section of toSet) {
    const lines = renderSection(section, style).map((line) => encode(line))
    const old = block.get(section.name)
    if (old && old.join('\n') === lines.join('\n')) unchanged.push(section.name)
    else changed.push(section.name)
    block.set(section.name, lines)
  }

  const result = {changed, clashes, removed, unchanged}
  const untouched = changed.length === 0 && removed.length === 0 && (parsed.block !== null || block.size === 0)
  return {...result, text: untouched ? text : renderFile(text, parsed, block)}
}

/** The file with `block` as its managed block (appended when it had none, dropped when empty). */
function renderFile(text: string, parsed: ParsedFile, block: Map<string, string[]>): string {
  const {eol} = parsed
  if (block.size === 0) {
    // the block goes; when it was appended at the end of a file without a final newline, so does the newline added
    const before = parsed.after === '' && !parsed.endHasEol ? parsed.before.replace(/\r?\n$/, '') : parsed.before
    return before + parsed.after
  }

  const sorted = [...block.entries()].sort(([a], [b]) => a.localeCompare(b))
  const sections = sorted.flatMap(([, lines], i) => (i === 0 ? lines : ['', ...lines]))
  const body = [BLOCK_BEGIN, ...sections, BLOCK_END].join(eol)
  if (parsed.block !== null) return parsed.before + body + (parsed.endHasEol ? eol : '') + parsed.after
  // appended: keep a missing final newline missing (after the block), so removing the block restores the bytes
  if (text === '') return body + eol
  return text.endsWith('\n') ? text + body + eol : text + eol + body
}
