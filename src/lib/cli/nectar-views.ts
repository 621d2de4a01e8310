// What people see of the NEC commands (balance, supply, whitelist). JSON comes from the reports in
// src/lib/nectar.
import {type WhitelistAction, type WhitelistChangeResult} from '../nectar/whitelist-change.js'

/** `whitelist add|remove`: what changed and what did not. */
export function whitelistChangeLines(action: WhitelistAction, r: WhitelistChangeResult): Array<[string, string]> {
  return [
    [action === 'add' ? 'added' : 'removed', String(r.changed.length)],
    [action === 'add' ? 'already present' : 'already absent', String(r.already.length)],
    ['duplicates merged', String(r.duplicates)],
    ['invalid', '0'],
    ['transactions', String(r.transactions)],
  ]
}
