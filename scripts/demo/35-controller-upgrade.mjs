// Demo steps for the controller upgrade rehearsal on the devnet: deploy a second controller for the
// same NEC, inspect it beside the current one, see the upgrade refused until the whitelist is
// migrated, migrate (a re-run sends nothing), upgrade, verify, and empty the old controller.
export const title = 'Rehearsing a controller upgrade'

const ctx = {}

const steps = [
  {
    title: 'Deploy a candidate controller for the same NEC (dev0 owns it); NEC is unchanged',
    run: ({json}) => {
      ctx.previous = json(['supply']).controller
      ctx.candidate = json(['devnet', 'deploy-controller', '--account', 'dev0']).address
      console.log(`candidate ${ctx.candidate}, current ${ctx.previous}`)
    },
  },
  {title: 'The candidate beside the current controller, and the issuance of both', argv: () => ['controller', 'inspect', ctx.candidate]},
  {title: 'An upgrade to an address with no code is refused (exit 2)', argv: ['controller', 'upgrade', '--to', '0x000000000000000000000000000000000000dEaD', '--yes'], expectExit: 2},
  {title: 'So is an upgrade before the whitelist is migrated: holders would be locked out', argv: () => ['controller', 'upgrade', '--to', ctx.candidate, '--yes'], expectExit: 1},
  {title: 'Copy the whitelist (registrations, admins, makers) and top up the ETH for redemptions, journaled', argv: () => ['controller', 'migrate', '--to', ctx.candidate, '--top-up', '--yes']},
  {title: 'Running it again sends nothing', argv: () => ['controller', 'migrate', '--to', ctx.candidate, '--top-up', '--yes']},
  {title: 'Upgrade: upgradeController, then NEC.controller() is read back', argv: () => ['controller', 'upgrade', '--to', ctx.candidate, '--yes']},
  {title: 'Every command now uses the new controller (read from NEC)', argv: ['whitelist', 'status']},
  {title: 'Empty the old controller into its vault', argv: () => ['controller', 'evacuate', '--controller', ctx.previous, '--yes']},
]

export default steps
