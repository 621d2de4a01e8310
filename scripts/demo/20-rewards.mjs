// Demo steps for the rewards commands, for the demo runner: each step is `nectar ...argv`.
// The distribute step reads a small volumes file this module writes into the OS temp dir on import.
import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

const volumes = path.join(tmpdir(), 'nectar-demo-volumes.csv')
const allocations = path.join(tmpdir(), 'nectar-demo-allocations.csv')
writeFileSync(volumes, [
  'address,volume',
  '0x70997970C51812dc3A010C7d01b50e0d17dc79C8,1250.5',
  '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,980',
  '0x90F79bf6EB2c4f870365E785982E1f101E93b906,333.333',
  '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,2100',
  '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc,47.25',
  '0x70997970c51812dc3a010c7d01b50e0d17dc79c8,100',
].join('\n') + '\n')

export const title = 'Rewards: the issuance curve, projections, distribution and issuance'

export const files = {allocations, volumes}

export default [
  {argv: ['rewards', 'curve', '--points', '11'], title: 'The v2 issuance curve: NEC per ETH of fees from 1bn to the 2bn cap (live supply marked)'},
  {argv: ['rewards', 'curve', '--points', '6', '--curve', 'both', '--csv'], title: 'v1 and v2 side by side as CSV'},
  {argv: ['rewards', 'simulate', '--fees', '500', '--share', '2', '--share', '5', '--periods', '6'], title: 'Project a 2% and a 5% maker over six 30-day periods'},
  {argv: ['rewards', 'simulate', '--fees', '500', '--share', '2', '--periods', '3', '--supply', '1950000000', '--offline'], title: 'Near the cap the rate falls to 0'},
  {argv: ['rewards', 'distribute', '--volumes', volumes, '--fees', '25', '--out', allocations], title: 'Split one period’s NEC over five makers by volume, exact to the wei (a duplicate row is merged)'},
  {argv: ['rewards', 'issue', '--allocations', allocations, '--yes'], title: 'Owner: mint the allocations, journaled (run it again: nothing is minted twice)'},
  {argv: ['balance', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65'], title: 'The makers’ balances after issuance'},
]
