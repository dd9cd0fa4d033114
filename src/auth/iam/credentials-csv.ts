/**
 * The access key CSV the AWS console exports, in both of its formats:
 *   Access key ID,Secret access key
 *   User name,Password,Access key ID,Secret access key,Console login link
 * A UTF-8 byte-order mark, CRLF line ends and quoted fields are tolerated. Pure.
 */
import {UsageError} from '../../lib/errors.js'

export interface AccessKeyPair {
  accessKeyId: string
  secretAccessKey: string
}

/** One CSV line into fields (RFC 4180 quoting: "a,b" and "" for a quote). */
export function csvFields(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      fields.push(field)
      field = ''
    } else field += ch
  }

  fields.push(field)
  return fields.map((f) => f.trim())
}

const norm = (header: string) => header.toLowerCase().replaceAll(/\s+/g, ' ').trim()

/** The key pair of the first data row. UsageError (exit 2) naming `file` when it is not a console key CSV. */
export function parseCredentialsCsv(text: string, file: string): AccessKeyPair {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
  const notCsv = (why: string) =>
    new UsageError(`${file} is not an access key CSV from the AWS console (${why}).`, {
      suggestion:
        'Use the file from IAM > Users > Security credentials > Create access key > Download .csv file, or leave out --credentials-file to type the keys in.',
    })
  if (lines.length < 2) throw notCsv('expected a header line and a line with the keys')
  const header = csvFields(lines[0]).map((h) => norm(h))
  const idCol = header.indexOf('access key id')
  const secretCol = header.indexOf('secret access key')
  if (idCol === -1 || secretCol === -1) throw notCsv('no "Access key ID" and "Secret access key" columns')
  const row = csvFields(lines[1])
  const accessKeyId = row[idCol] ?? ''
  const secretAccessKey = row[secretCol] ?? ''
  if (!/^[A-Z\d]{16,128}$/.test(accessKeyId)) throw notCsv('the access key ID is missing or malformed')
  if (secretAccessKey.length < 16) throw notCsv('the secret access key is missing or too short')
  return {accessKeyId, secretAccessKey}
}
