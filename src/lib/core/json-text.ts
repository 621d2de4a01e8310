// JSON text for --json output: bigints as decimal strings, and long lists written as text up front
// (JsonText) spliced in without an object per item.

/**
 * JSON with bigints written as strings. A replacer function would take V8 off its fast path (1.7× slower
 * on 10,000 offers); BigInt#toJSON, defined for this one call, writes them the same way.
 */
export function toJsonText(value: unknown, indent = 2): string {
  const proto = BigInt.prototype as {toJSON?: () => string}
  const own = Object.getOwnPropertyDescriptor(proto, 'toJSON')
  proto.toJSON = function (this: bigint) {
    return this.toString()
  }
  // Compact output splices JsonText fragments in as they are (indented output parses them instead).
  const fragments: string[] = []
  const mark = `\u0000json-${Math.random().toString(36).slice(2)}-`
  const parsed = JsonText.prototype.toJSON
  if (indent === 0) JsonText.prototype.toJSON = function (this: JsonText) {
    return `${mark}${fragments.push(this.text) - 1}`
  }
  try {
    let text = JSON.stringify(value, null, indent)
    for (const [i, fragment] of fragments.entries()) text = text.replace(JSON.stringify(`${mark}${i}`), () => fragment)
    return text
  } finally {
    if (own) Object.defineProperty(proto, 'toJSON', own)
    else delete proto.toJSON
    JsonText.prototype.toJSON = parsed
  }
}

/**
 * A value already written as JSON text, for a long list built without an object per item (10,000
 * offers): compact `--json` output splices the text in as it is; anywhere else it is the parsed value.
 */
export class JsonText<T = unknown> {
  constructor(readonly text: string) {}
  toJSON(): T {
    return JSON.parse(this.text) as T
  }
}
