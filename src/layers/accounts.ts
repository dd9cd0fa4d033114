import {isRecord} from './config-values.js'

export interface AccountIds {
  ids: Record<string, null | string>
  warnings: string[]
}

/** Normalises an account id to a 12-digit string (numbers lose leading zeros in HCL: they are padded back). */
export function normaliseAccountId(value: unknown): null | string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value).padStart(12, '0')
  if (typeof value === 'string' && /^\d{12}$/.test(value.trim())) return value.trim()
  return null
}

function addMap(map: unknown, where: string, out: AccountIds): void {
  const add = (name: string, raw: unknown) => {
    const value = isRecord(raw) ? (raw.id ?? raw.account_id) : raw
    const id = value === undefined || value === null ? null : normaliseAccountId(value)
    if (id === null && value !== undefined && value !== null) {
      out.warnings.push(`account ${name} in ${where}: id ${JSON.stringify(value)} is not a 12-digit account id`)
    }

    if (!(name in out.ids) || out.ids[name] === null) out.ids[name] = id
  }

  if (isRecord(map)) {
    for (const [name, raw] of Object.entries(map)) add(name, raw)
  } else if (Array.isArray(map)) {
    for (const item of map) if (isRecord(item) && typeof item.name === 'string') add(item.name, item)
  }
}

/**
 * Account name -> id from common.tfvars, in any of the three layouts:
 * `accounts = {name = {id = …}}`, `organization = {accounts = {…}}`,
 * `organization = {organizational_units = {<ou> = {accounts = {…}}}}`.
 */
export function extractAccountIds(common: Record<string, unknown>): AccountIds {
  const out: AccountIds = {ids: {}, warnings: []}
  addMap(common.accounts, 'accounts', out)
  const org = common.organization
  if (isRecord(org)) {
    addMap(org.accounts, 'organization.accounts', out)
    const units = org.organizational_units
    if (isRecord(units)) {
      for (const [ou, unit] of Object.entries(units)) {
        if (isRecord(unit)) addMap(unit.accounts, `organization.organizational_units.${ou}.accounts`, out)
      }
    }
  }

  return out
}
