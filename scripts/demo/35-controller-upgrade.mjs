// Demo steps for the controller upgrade rehearsal on the devnet: deploy a second controller for the
// same NEC, inspect it beside the current one, see the upgrade refused until the whitelist is
// migrated and until a governance proposal passed, migrate (a re-run sends nothing), pass a proposal
// (the devnet's clock moves 7 days), upgrade, verify, and empty the old controller.
import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

export const title = 'Rehearsing a controller upgrade'

const text = path.join(tmpdir(), 'nectar-demo-upgrade-proposal.md')
writeFileSync(text, '# Upgrade NEC\'s controller\n\nMake the rehearsal candidate NEC\'s controller once its whitelist is migrated.\n')

const ctx = {}

const steps = [
  {
    title: 'Deploy a candidate controller for the same NEC (dev0 owns it); NEC is unchanged',
    run: ({json}) => {
      ctx.previous = json(['supply']).controller
      ctx.candidate = json(['devnet', 'deploy-controller', '--account', 'dev0']).address
      // The governance steps' proposal is the newest; its 14-day vote is still open.
      ctx.openProposal = String(json(['gov', 'list']).total - 1)
      console.log(`candidate ${ctx.candidate}, current ${ctx.previous}`)
    },
  },
  {title: 'The candidate beside the current controller, and the issuance of both', argv: () => ['controller', 'inspect', ctx.candidate]},
  {title: 'An upgrade to an address with no code is refused (exit 2)', argv: ['controller', 'upgrade', '--to', '0x000000000000000000000000000000000000dEaD', '--yes'], expectExit: 2},
  {title: 'So is an upgrade before the whitelist is migrated: holders would be locked out', argv: () => ['controller', 'upgrade', '--to', ctx.candidate, '--yes'], expectExit: 1},
  {title: 'Copy the whitelist (registrations, admins, makers) and top up the ETH for redemptions, journaled', argv: () => ['controller', 'migrate', '--to', ctx.candidate, '--top-up', '--yes']},
  {title: 'Running it again sends nothing', argv: () => ['controller', 'migrate', '--to', ctx.candidate, '--top-up', '--yes']},
  {title: 'Tied to a governance proposal, the upgrade waits until its vote has ended (the message says when)', argv: () => ['controller', 'upgrade', '--to', ctx.candidate, '--proposal', ctx.openProposal, '--yes'], expectExit: 1},
  {
    title: 'A proposal for this upgrade: dev1 proposes (7 days), the admin approves, dev1 votes yes',
    run: ({json}) => {
      ctx.proposal = String(json(['gov', 'propose', '--title', 'Upgrade NEC’s controller', '--text-file', text, '--duration', '7d', '--account', 'dev1', '--yes']).id)
      json(['gov', 'approve', ctx.proposal, '--account', 'dev0', '--yes'])
      json(['gov', 'vote', ctx.proposal, 'yes', '--account', 'dev1', '--yes'])
      console.log(`proposal ${ctx.proposal} approved; dev1 voted yes`)
    },
  },
  {title: 'Seven days pass on the devnet', argv: ['devnet', 'advance', '--days', '7']},
  {title: 'Its vote has ended, with more yes than no: it passed', argv: () => ['gov', 'show', ctx.proposal]},
  {title: 'Upgrade: the proposal passed, so upgradeController is sent, then NEC.controller() is read back', argv: () => ['controller', 'upgrade', '--to', ctx.candidate, '--proposal', ctx.proposal, '--yes']},
  {title: 'Every command now uses the new controller (read from NEC)', argv: ['whitelist', 'status']},
  {title: 'Empty the old controller into its vault', argv: () => ['controller', 'evacuate', '--controller', ctx.previous, '--yes']},
]

export default steps
