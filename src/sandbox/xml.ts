/** The little XML the query protocol (STS, IAM) answers with. */
export type XmlValue = boolean | number | string | undefined | XmlValue[] | {[key: string]: XmlValue}

export function escapeXml(text: string): string {
  return text.replaceAll(/[<>&'"]/g, (char) => `&#${char.codePointAt(0)};`)
}

/** Objects become child elements in key order, arrays become `<member>` lists, undefined is left out. */
export function toXml(name: string, value: XmlValue): string {
  if (value === undefined) return ''
  if (Array.isArray(value)) return `<${name}>${value.map((item) => toXml('member', item)).join('')}</${name}>`
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([key, child]) => toXml(key, child))
      .join('')}</${name}>`
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

export function queryResponse(action: string, namespace: string, result: XmlValue, requestId: string): string {
  return (
    `<${action}Response xmlns="${namespace}">` +
    toXml(`${action}Result`, result) +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>\n`
  )
}

export function queryError(
  namespace: string,
  code: string,
  message: string,
  status: number,
  requestId: string,
): string {
  const type = status >= 500 ? 'Receiver' : 'Sender'
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>\n`
  )
}
