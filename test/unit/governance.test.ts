// Governance without a chain: the ProposalManager's ABI has the selectors and event topics of
// nec-community's (reference/nectar.md §5), and the parsers of durations, ids and shares are exact.
import {toEventSelector, toFunctionSelector} from 'viem'
import {describe, expect, it} from 'vitest'

import {proposalManagerAbi} from '../../src/lib/contracts/generated/index.js'
import {parseProposalId, percentOf} from '../../src/lib/nectar/governance.js'
import {parseProposalDays} from '../../src/lib/nectar/governance-write.js'

// The reference contract's signatures (uint is uint256) and the selectors they hash to.
const REFERENCE_FUNCTIONS: Record<string, string> = {
  'addAdmin(address)': '0x70480275',
  'addProposal(uint256,bytes32)': '0x36055ba8',
  'approveProposal(uint256)': '0x98951b56',
  'denyProposal(uint256)': '0x271c34d7',
  'getActiveProposals()': '0x5584c4f9',
  'getApprovedProposals()': '0x3ac0feac',
  'getNotApprovedProposals()': '0x285f2346',
  'isAdmin(address)': '0x24d7806c',
  'nProposals()': '0x3bd5aceb',
  'onApprove(address,address,uint256)': '0xda682aeb',
  'onTransfer(address,address,uint256)': '0x4a393149',
  'proposal(uint256)': '0x30326c17',
  'proxyPayment(address)': '0xf48c3054',
  'removeAdmin(address)': '0x1785f53c',
  'tokenFactory()': '0xe77772fe',
  'vote(uint256,bool)': '0xc9d27afe',
}
const REFERENCE_EVENTS = ['Approved(uint256)', 'NewProposal(uint256,uint256,bytes32)', 'Vote(uint256,address,bool,uint256)']

describe('ProposalManager ABI', () => {
  it('has every function of the reference, with the same selector', () => {
    const ours = new Map(proposalManagerAbi.filter((x) => x.type === 'function').map((f) => [toFunctionSelector(f), f.name]))
    for (const [signature, selector] of Object.entries(REFERENCE_FUNCTIONS)) {
      expect(toFunctionSelector(`function ${signature}`)).toBe(selector)
      expect(ours.get(selector as `0x${string}`), signature).toBe(signature.split('(')[0])
    }
  })

  it('has the reference events (same topics), and proposal() returns the 13 fields in order', () => {
    const topics = new Set(proposalManagerAbi.filter((x) => x.type === 'event').map((e) => toEventSelector(e)))
    for (const event of REFERENCE_EVENTS) expect(topics.has(toEventSelector(`event ${event}`)), event).toBe(true)
    const proposal = proposalManagerAbi.find((x) => x.type === 'function' && x.name === 'proposal')!
    expect(proposal.outputs.map((o) => o.type)).toEqual(['address', 'uint256', 'uint256', 'uint256', 'bytes32', 'bool', 'bool', 'uint256', 'uint256', 'address', 'bool', 'bool', 'bool'])
  })
})

describe('parsers', () => {
  it('durations: 7..45 whole days, in any unit; anything else is INVALID_DURATION', () => {
    expect(parseProposalDays('14d')).toBe(14n)
    expect(parseProposalDays('2w')).toBe(14n)
    expect(parseProposalDays('7')).toBe(7n)
    expect(parseProposalDays('45d')).toBe(45n)
    expect(parseProposalDays('168h')).toBe(7n)
    for (const bad of ['6d', '46d', '14.5d', '7d1h', '0', '', '-7d', 'two weeks']) {
      expect(() => parseProposalDays(bad), bad).toThrow(expect.objectContaining({code: 'INVALID_DURATION'}))
    }
  })

  it('ids: non-negative integers only', () => {
    expect(parseProposalId('0')).toBe(0n)
    expect(parseProposalId(' 12 ')).toBe(12n)
    for (const bad of ['-1', '1.5', 'abc', '', '0x10']) expect(() => parseProposalId(bad), bad).toThrow(expect.objectContaining({code: 'INVALID_PROPOSAL_ID'}))
  })

  it('shares: percent floored to 4 decimals, exact in bigint', () => {
    expect(percentOf(1n, 3n)).toBe('33.3333')
    expect(percentOf(2n, 3n)).toBe('66.6666')
    expect(percentOf(10n ** 27n, 10n ** 27n)).toBe('100')
    expect(percentOf(1n, 10n ** 27n)).toBe('0')
    expect(percentOf(5n, 0n)).toBe('0')
  })
})
