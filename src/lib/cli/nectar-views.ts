// What people see of the NEC commands (balance, supply, whitelist). JSON comes from the reports in
// src/lib/nectar.
import {displayAmount, formatAmount} from '../core/amounts.js'
import {type BalanceReport, type SupplyReport} from '../nectar/reads.js'
import {type RegistrationCheck, type WhitelistStatus} from '../nectar/whitelist.js'
import {type WhitelistAction, type WhitelistChangeResult} from '../nectar/whitelist-change.js'
import {type Cell, type ListFlags, renderList, renderTable} from './render.js'

/**
 * Balances as a table with a total; beyond 200 rows (and no list flag), tab-separated lines with
 * whole addresses and exact decimals, for pipes.
 */
export function balancesView({balances, total}: BalanceReport, flags: ListFlags = {}): string {
  const listing = flags.columns || flags.csv || flags.sort || flags.wide
  if (balances.length > 200 && !listing) return [...balances.map((b) => `${b.address}\t${b.balance}`), `total\t${formatAmount(total.wei)}`].join('\n')
  const rows: Cell[][] = balances.map((b) => [b.address, {csv: b.balance, sort: b.wei, text: displayAmount(b.wei)}])
  const footer = balances.length > 1 ? [['total', displayAmount(total.wei)]] : []
  return renderList([{header: 'address', priority: 1}, {align: 'right', header: 'NEC'}], rows, flags, {footer})
}

/** A list of addresses (whitelist list, the admins lists), the owner marked. */
export function addressesView(addresses: readonly string[], flags: ListFlags, owner?: string): string {
  const rows = addresses.map((a) => [a, owner !== undefined && a.toLowerCase() === owner.toLowerCase() ? 'owner' : ''])
  return renderList(owner === undefined ? ['address'] : ['address', 'role'], rows, flags)
}

export function supplyLines(s: SupplyReport): Array<[string, string]> {
  return [
    ['total supply', `${displayAmount(s.totalSupplyWei)} NEC`],
    ['initial supply', `${displayAmount(s.initialSupplyWei)} NEC`],
    ['pledged fees', `${displayAmount(s.pledgedFeesWei)} ETH`],
    ['window', `${s.window} (ends ${s.windowEnds})`],
    ['rate now', `${displayAmount(s.rateWei)} NEC per ETH of fees (${s.rateSource === 'live' ? 'live supply: this window has no snapshot yet' : 'window snapshot'})`],
    ['left under cap', `${displayAmount(s.capRemainingWei)} NEC`],
    ['redemption', `${displayAmount(s.redemptionWeiPerNec, 18, 12)} ETH per NEC`],
    ['burning', s.burningEnabled ? 'enabled' : 'disabled'],
    ['whitelist', s.whitelistActive ? 'active' : 'off'],
    ['controller', s.controller],
  ]
}

export function registrationTable({addresses}: RegistrationCheck): string {
  return renderTable(['address', 'on list', {header: 'may hold/transfer', wrap: true}], addresses.map((e) => [e.address, e.registered ? 'yes' : 'no', e.effective ? 'yes' : 'no']))
}

export function whitelistStatusLines(s: WhitelistStatus): Array<[string, string]> {
  return [
    ['controller', s.controller],
    ['owner', s.owner],
    ['whitelist', s.listActive ? 'active (transfers need both ends registered)' : 'off (everyone counts as registered)'],
    ['burning', s.burningEnabled ? 'enabled' : 'disabled'],
    ['admins', s.adminCount === null ? 'unknown (this controller emits no admin events)' : String(s.adminCount)],
    ['account', s.account ?? 'none selected (pass --account to see its roles)'],
    ...(s.account ? [['roles', s.roles.join(', ')] as [string, string]] : []),
  ]
}

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
