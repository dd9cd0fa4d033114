import {createRequire} from 'node:module'

/** The part of hcl2-parser terrace uses: `[json, null]` on success, `['', {}]` (no message, no position) on error. */
export interface HclParser {
  parseToString(input: string): [string, unknown] | string
}

export type ParserLoader = () => HclParser

/**
 * Loads hcl2-parser (a GopherJS build, slow to require). Only called on a parse-cache miss, so a warm run
 * never pays for it.
 */
export const loadHclParser: ParserLoader = () => createRequire(import.meta.url)('hcl2-parser') as HclParser
