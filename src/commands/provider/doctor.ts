import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderTable} from '../../lib/cli/render.js'
import type {DoctorReport} from '../../lib/provider/engine-doctor.js'

export default class ProviderDoctor extends BaseCommand<typeof ProviderDoctor> {
  static summary = 'Check that this machine can run renters’ jobs.'
  static description = `Checks the container engine behind the container executor: is the socket reachable, which engine and API version, whether it applies memory, CPU and pids limits (cgroup version), whether a probe container from an allowed image really gets no network, a read-only root fs with a writable /tmp and a non-root user, and which allowed images are present; which GPUs the machine has (nvidia-smi, and the vendor/gpu devices of the CDI specs in /etc/cdi and /var/run/cdi) and, with --plan, that the plan offers no more than that; then whether bubblewrap can sandbox the process executor's jobs (a warning, not a failure, when it cannot). Prints one row per check with what to fix; exits 1 when any check fails. The engine socket is --engine-socket, else DOCKER_HOST, else /run/podman/podman.sock, else /var/run/docker.sock.`
  static examples = [
    "<%= config.bin %> <%= command.id %> --allow-image 'local/*'",
    "<%= config.bin %> <%= command.id %> --engine-socket /run/podman/podman.sock --allow-image 'docker.io/library/busybox:*' --json",
    "<%= config.bin %> <%= command.id %> --allow-image 'local/*' --plan ask.yaml",
  ]
  static flags = {
    'allow-image': Flags.string({description: 'An image pattern `provider serve` will allow (glob); repeatable. Checks that a matching image is present and probes with it', multiple: true}),
    'engine-socket': Flags.string({description: 'The Docker Engine API socket (default: DOCKER_HOST, else /run/podman/podman.sock, else /var/run/docker.sock)'}),
    plan: Flags.string({description: 'Ask plan file (YAML) `provider serve` will keep listed: fails when it offers more GPUs than this machine has'}),
  }

  public async run(): Promise<DoctorReport> {
    const {gpuChecks, runDoctor, sandboxCheck} = await import('../../lib/provider/engine-doctor.js')
    const {probeSandbox} = await import('../../lib/provider/sandbox.js')
    const report = await runDoctor({allowImages: this.flags['allow-image'] ?? [], engineSocket: this.flags['engine-socket']})
    const gpus = gpuChecks(report.engineKind, this.flags.plan)
    report.checks.push(...gpus.checks, sandboxCheck(probeSandbox()))
    report.gpus = gpus.gpus
    const failed = report.checks.filter((c) => !c.ok)
    if (!this.jsonEnabled()) {
      this.log(renderTable([{header: 'check', priority: 3}, {header: 'result', priority: 2}, {header: 'detail', priority: 1, wrap: true}, {header: 'fix', wrap: true}], report.checks.map((c) => [c.name, c.ok ? (c.warn ? 'WARN' : 'ok') : 'FAIL', c.detail, c.fix ?? ''])))
    }
    if (failed.length > 0) {
      throw nectarError('DOCTOR_CHECKS_FAILED', `${failed.length} of ${report.checks.length} checks failed on ${report.engine}: ${failed.map((c) => c.name).join(', ')}.`, {
        details: report.checks.map((c) => `${c.ok ? (c.warn ? 'WARN' : 'ok  ') : 'FAIL'} ${c.name}: ${c.detail}${c.fix ? ` — fix: ${c.fix}` : ''}`),
        hint: failed[0].fix,
      })
    }
    return report
  }
}
