/** The field checks behind the workspace's validation: each fault is a ShapeError naming its key. */
import {EXPECTED, PATTERNS} from './patterns.js'

/** A fault in the file's content: `key` is its path inside the file (`sessions[2].accountId`). */
export class ShapeError extends Error {
  readonly key: string

  constructor(key: string, problem: string) {
    super(`${key}: ${problem}`)
    this.key = key
  }
}

export type Json = Record<string, unknown>

export const join = (at: string, key: string): string => (at ? `${at}.${key}` : key)

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export type Rule = {expected: string; pattern: RegExp}

export function text(object: Json, key: string, at: string, rule?: Rule): string {
  const value = object[key]
  if (typeof value !== 'string') throw new ShapeError(join(at, key), value === undefined ? 'missing' : 'not a string')
  if (rule && !rule.pattern.test(value)) {
    throw new ShapeError(join(at, key), `${JSON.stringify(value)} is not ${rule.expected}`)
  }

  return value
}

export function optionalText(object: Json, key: string, at: string, rule?: Rule): null | string {
  if (object[key] === undefined || object[key] === null) return null
  return text(object, key, at, rule)
}

export const rule = (key: keyof typeof PATTERNS): Rule => ({expected: EXPECTED[key], pattern: PATTERNS[key]})

/** `object[key]` checked against the pattern of the same name. */
export const checked = (object: Json, key: keyof typeof PATTERNS, at: string, optional = false) =>
  optional ? optionalText(object, key, at, rule(key)) : text(object, key, at, rule(key))

export function oneOf<T extends string>(object: Json, key: string, at: string, values: readonly T[]): T {
  const value = text(object, key, at)
  if (!(values as readonly string[]).includes(value)) {
    throw new ShapeError(join(at, key), `${JSON.stringify(value)} is not one of ${values.join(', ')}`)
  }

  return value as T
}

/** Like oneOf, null (or left out) allowed. */
export function oneOfOrNull<T extends string>(object: Json, key: string, at: string, values: readonly T[]): null | T {
  if (object[key] === undefined || object[key] === null) return null
  return oneOf(object, key, at, values)
}

/** A date as ISO text; null (or left out) when `optional`. */
export function date(object: Json, key: string, at: string, optional = false): null | string {
  const value = optional ? optionalText(object, key, at) : text(object, key, at)
  if (value !== null && Number.isNaN(Date.parse(value))) {
    throw new ShapeError(join(at, key), `${JSON.stringify(value)} is not a date`)
  }

  return value
}

/** Refuses any key of `raw` not in `allowed` (a secret must never land in the workspace). */
export function onlyKeys(raw: Json, allowed: ReadonlySet<string>, at: string, what: string): void {
  const unknown = Object.keys(raw).find((key) => !allowed.has(key))
  if (unknown) throw new ShapeError(join(at, unknown), `not a field of ${what} (secrets never go here)`)
}

/** An object at `object[key]`: ShapeError when missing or not an object. */
export function object(parent: Json, key: string, at: string): Json {
  const value = parent[key]
  if (!isObject(value)) throw new ShapeError(join(at, key), value === undefined ? 'missing' : 'not an object')
  return value
}

/** A whole number ≥ 0 at `object[key]`. */
export function count(parent: Json, key: string, at: string): number {
  const value = parent[key]
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ShapeError(join(at, key), value === undefined ? 'missing' : `${JSON.stringify(value)} is not a count`)
  }

  return value
}
