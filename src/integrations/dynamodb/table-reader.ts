/**
 * Reads the whole account table: Scan pages followed through LastEvaluatedKey until a page has none. Items that
 * cannot become sessions are skipped and named; a table that hands back a key it already gave is an error (no
 * endless loop).
 */
import type {AccountItem} from './account-item.js'
import type {AttributeMap, DynamoDbPort} from './dynamodb-client.js'

import {readAccountItem} from './account-item.js'

export interface TableReading {
  items: AccountItem[]
  /** Scan calls made */
  pages: number
  /** items left out, and why */
  skipped: string[]
}

export interface ReadOptions {
  /** items per Scan page (Limit); absent: as many as DynamoDB gives */
  pageSize?: number
  /** after each page: pages so far, items so far */
  progress?(pages: number, items: number): void
  signal?: AbortSignal
}

export async function readAccountTable(
  port: DynamoDbPort,
  table: string,
  options: ReadOptions = {},
): Promise<TableReading> {
  const reading: TableReading = {items: [], pages: 0, skipped: []}
  const seenKeys = new Set<string>()
  const names = new Set<string>()
  let position = 0
  let start: AttributeMap | undefined
  do {
    const page = await port.scan(
      {
        TableName: table,
        ...(start ? {ExclusiveStartKey: start} : {}),
        ...(options.pageSize ? {Limit: options.pageSize} : {}),
      },
      options.signal,
    )
    reading.pages++
    for (const map of page.Items ?? []) {
      const result = readAccountItem(map, ++position)
      if (result.problem !== undefined) reading.skipped.push(result.problem)
      else if (names.has(result.item.name)) reading.skipped.push(`item "${result.item.name}" appears twice`)
      else {
        names.add(result.item.name)
        reading.items.push(result.item)
      }
    }

    options.progress?.(reading.pages, reading.items.length)
    const next = page.LastEvaluatedKey
    const key = next ? JSON.stringify(next) : undefined
    if (key !== undefined && seenKeys.has(key))
      throw new Error(`DynamoDB table ${table} returned the same LastEvaluatedKey twice`)
    if (key !== undefined) seenKeys.add(key)
    start = next
  } while (start)

  return reading
}
