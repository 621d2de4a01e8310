// Demo steps for governance by NEC held (issue 14): a maker proposes, an admin approves (the snapshot),
// NEC moved afterwards changes no weight, two makers vote, and the refusals send nothing. The proposal
// id is the next one on the devnet, read before the steps run, so the demo can run again.
import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

const text = path.join(tmpdir(), 'nectar-demo-proposal.md')
writeFileSync(text, '# Lower the maker fee for NEC holders\n\nFrom 0.10% to 0.08% for accounts holding at least 1 NEC.\n')
const changed = path.join(tmpdir(), 'nectar-demo-proposal-edited.md')
writeFileSync(changed, '# Lower the maker fee for NEC holders\n\nFrom 0.10% to 0.05% for accounts holding at least 1 NEC.\n')

export const title = 'Governance: proposals and votes weighted by NEC held at a snapshot'

export default function steps({json}) {
  const id = String(json(['gov', 'list']).total)
  return [
    {title: 'A NEC holder proposes: the text’s hash goes on chain, the text is kept in the data dir', argv: ['gov', 'propose', '--title', 'Lower the maker fee for NEC holders', '--text-file', text, '--duration', '14d', '--account', 'dev1', '--yes']},
    {title: 'A duration outside 7..45 days is refused before anything is sent', argv: ['gov', 'propose', '--title', 'Too long', '--text-file', text, '--duration', '60d', '--account', 'dev1', '--yes'], expectExit: 2},
    {title: 'Only governance admins approve', argv: ['gov', 'approve', id, '--account', 'dev1', '--yes'], expectExit: 1},
    {title: 'The admin approves: voting opens, and NEC held at this block is the weight', argv: ['gov', 'approve', id, '--account', 'dev0', '--yes']},
    {title: 'dev1 sends 100 NEC to dev2 after the snapshot…', argv: ['transfer', '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', '100', '--account', 'dev1', '--yes']},
    {title: '…and still votes with what it held at the snapshot (the weight is shown first)', argv: ['gov', 'vote', id, 'yes', '--account', 'dev1', '--yes']},
    {title: 'dev2 votes no, also with its snapshot balance', argv: ['gov', 'vote', id, 'no', '--account', 'dev2', '--yes']},
    {title: 'A second vote is refused', argv: ['gov', 'vote', id, 'no', '--account', 'dev1', '--yes'], expectExit: 1},
    {title: 'An account that held no NEC at the snapshot has no weight', argv: ['gov', 'vote', id, 'yes', '--account', 'dev6', '--yes'], expectExit: 1},
    {title: 'The proposal: tally in NEC and as a share of the supply at the snapshot, turnout, time left, your weight', argv: ['gov', 'show', id, '--account', 'dev1']},
    {title: 'Active proposals', argv: ['gov', 'list', '--active', '--account', 'dev2']},
    {title: 'Any copy of the text can be checked against the chain', argv: ['gov', 'verify', id, '--text-file', text]},
    {title: 'An edited copy does not match', argv: ['gov', 'verify', id, '--text-file', changed], expectExit: 1},
    {title: 'The governance admins', argv: ['gov', 'admins', 'list']},
  ]
}
