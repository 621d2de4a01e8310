// RPC URLs often carry secrets (a password, an API key in the path or the query): errors show them masked.

/** `https://user:pass@host/v3/KEY?k=v` → `https://user:***@host/…`; text that is not a URL is quoted as is, cut short. */
export function maskUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return text.length > 60 ? `${text.slice(0, 60)}…` : text
  }
  const user = url.username ? `${url.username}${url.password ? ':***' : ''}@` : url.password ? ':***@' : ''
  const rest = url.pathname !== '/' || url.search || url.hash ? '/…' : ''
  return `${url.protocol}//${user}${url.host}${rest}`
}
