// GPUs and ports, the parts without an engine: the machine's GPUs from CDI spec files and nvidia-smi's
// output, the plan check, what a deal grants a job (and the refusals), the spec's ports, Docker's form
// of a job's GPUs, and where `compute jobs` shows a job's ports.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {jobsTable} from '../../src/lib/cli/market-views.js'
import {dockerDeviceRequests} from '../../src/lib/provider/container-executor.js'
import {cdiGpus, checkPlanGpus, chooseGpus, type GpuDevice, parseNvidiaSmi, planOffersGpus, usableGpus} from '../../src/lib/provider/gpus.js'
import {dealLimits, grantRefusal, jobGpuCount} from '../../src/lib/provider/job-grants.js'
import {jobPorts, jobSpecProblems} from '../../src/lib/provider/job-spec.js'
import {ProcessExecutor} from '../../src/lib/provider/process-executor.js'
import {failure} from '../setup/errors.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-gpus-'))
afterAll(() => rmSync(dir, {force: true, recursive: true}))

describe('the machine’s GPUs', () => {
  it('reads vendor/gpu devices from CDI specs (YAML and JSON), without the `all` alias, one per device node, later dirs winning; other kinds and broken files are left out', () => {
    const etc = path.join(dir, 'etc')
    const run = path.join(dir, 'run')
    mkdirSync(etc)
    mkdirSync(run)
    // nvidia-ctk writes an index name and a UUID name for the same GPU, and `all`.
    writeFileSync(path.join(etc, 'nvidia.yaml'), 'cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ncontainerEdits:\n  deviceNodes: [{path: /dev/nvidiactl}]\ndevices:\n  - name: all\n    containerEdits: {deviceNodes: [{path: /dev/nvidia0}, {path: /dev/nvidia1}]}\n  - name: "0"\n    containerEdits: {deviceNodes: [{path: /dev/nvidia0}]}\n  - name: GPU-aaaa\n    containerEdits: {deviceNodes: [{path: /dev/nvidia0}]}\n  - name: "1"\n    containerEdits: {deviceNodes: [{path: /dev/nvidia1}]}\n')
    writeFileSync(path.join(etc, 'fpga.json'), JSON.stringify({cdiVersion: '0.5.0', devices: [{containerEdits: {deviceNodes: [{path: '/dev/fpga0'}]}, name: '0'}], kind: 'acme.com/fpga'}))
    writeFileSync(path.join(run, 'amd.json'), JSON.stringify({cdiVersion: '0.5.0', devices: [{containerEdits: {deviceNodes: [{path: '/dev/dri/renderD128'}]}, name: 'card0'}], kind: 'amd.com/gpu'}))
    writeFileSync(path.join(run, 'broken.yaml'), 'kind: [unclosed\n')
    writeFileSync(path.join(run, 'notes.txt'), 'kind: x.com/gpu\n')
    const found = cdiGpus([etc, run, path.join(dir, 'missing')])
    expect(found.gpus.map((g) => g.id)).toEqual(['nvidia.com/gpu=0', 'nvidia.com/gpu=1', 'amd.com/gpu=card0'])
    expect(found.gpus[0]).toMatchObject({source: path.join(etc, 'nvidia.yaml'), via: 'cdi'})
    expect(found.skipped).toHaveLength(1)
    expect(found.skipped[0]).toContain('broken.yaml')
  })

  it('reads nvidia-smi’s CSV lines', () => {
    expect(parseNvidiaSmi('0, GPU-5f3c9d2e-1111-2222-3333-444455556666, NVIDIA GeForce RTX 3090\n1, GPU-77, NVIDIA A100-SXM4-80GB\n\nNo devices were found\n')).toEqual([
      {id: 'GPU-5f3c9d2e-1111-2222-3333-444455556666', model: 'NVIDIA GeForce RTX 3090', source: 'nvidia-smi', via: 'nvidia'},
      {id: 'GPU-77', model: 'NVIDIA A100-SXM4-80GB', source: 'nvidia-smi', via: 'nvidia'},
    ])
  })

  const gpus: GpuDevice[] = [
    {id: 'nvidia.com/gpu=0', source: 'x', via: 'cdi'},
    {id: 'GPU-77', source: 'nvidia-smi', via: 'nvidia'},
  ]

  it('--gpu picks GPUs that exist (any case), and names the ones found when one does not; Podman can use only CDI ones', () => {
    expect(chooseGpus(gpus)).toEqual(gpus)
    expect(chooseGpus(gpus, ['gpu-77'])).toEqual([gpus[1]])
    const e = failure(() => chooseGpus(gpus, ['nvidia.com/gpu=3']))
    expect(e).toMatchObject({code: 'GPU_NOT_FOUND', message: '--gpu nvidia.com/gpu=3 is not a GPU of this machine (found: nvidia.com/gpu=0, GPU-77).'})
    expect(usableGpus(gpus, 'podman')).toEqual([gpus[0]])
    expect(usableGpus(gpus, 'docker')).toEqual(gpus)
  })

  it('Docker gets the NVIDIA runtime’s DeviceRequest by UUID and a CDI one by name; no GPU, no request', () => {
    expect(dockerDeviceRequests(gpus)).toEqual([
      {Capabilities: [['gpu']], DeviceIDs: ['GPU-77'], Driver: 'nvidia'},
      {DeviceIDs: ['nvidia.com/gpu=0'], Driver: 'cdi'},
    ])
    expect(dockerDeviceRequests([])).toEqual([])
  })

  it('a plan may offer no more GPUs than the machine has (one line, the count, and the fix)', () => {
    const order = (count: bigint) => ({benchmarks: [0n, 0n, 0n, 0n, 0n, 0n, 0n, count]})
    expect(planOffersGpus([order(0n)])).toBe(false)
    expect(() => checkPlanGpus([order(2n)], 2, 'ask.yaml')).not.toThrow()
    const e = failure(() => checkPlanGpus([order(1n), order(3n)], 2, 'asks.yaml'))
    expect(e).toMatchObject({code: 'PLAN_GPUS_OVER_MACHINE', message: 'asks.yaml (order 2) offers 3 GPUs, but this machine has 2.'})
    expect(e.hint).toContain('resources.gpu.count to 2')
  })
})

describe('what a deal grants a job', () => {
  const limits = dealLimits({benchmarks: {cpuCores: 2n, gpuCount: 2n, ramSize: 1024n}, netflags: {incoming: false, outbound: true}})

  it('reads gpuCount and the incoming netflag; a job gets all the deal’s GPUs unless it asks for fewer', () => {
    expect(limits).toEqual({cpuCores: 2, gpus: 2, incoming: false, outbound: true, ramBytes: 1024})
    expect(jobGpuCount({}, limits)).toBe(2)
    expect(jobGpuCount({gpus: 1}, limits)).toBe(1)
    expect(jobGpuCount({}, dealLimits(undefined))).toBe(0)
  })

  it('refuses more GPUs than the deal bought, and ports without incoming', () => {
    expect(grantRefusal({command: 'x', gpus: 2}, limits, 'deal 7')).toBeUndefined()
    expect(grantRefusal({command: 'x', gpus: 3}, limits, 'deal 7')).toMatchObject({code: 'GPUS_OVER_DEAL', message: 'The job asks for 3 GPUs, but deal 7 has 2.'})
    expect(grantRefusal({command: 'x', ports: [80, {port: 53, protocol: 'udp'}]}, limits, 'offer 4')).toMatchObject({code: 'PORTS_NOT_ALLOWED', message: 'The job publishes ports 80, 53, but offer 4 lacks the incoming netflag.'})
    expect(grantRefusal({command: 'x', ports: [80]}, {...limits, incoming: true}, 'deal 7')).toBeUndefined()
  })
})

describe('a spec’s ports', () => {
  it('takes numbers and {port, protocol}; refuses a port twice, port 0, and other protocols', () => {
    expect(jobPorts({ports: [8080, {port: 53, protocol: 'udp'}, {port: 9000}]})).toEqual([
      {port: 8080, protocol: 'tcp'},
      {port: 53, protocol: 'udp'},
      {port: 9000, protocol: 'tcp'},
    ])
    expect(jobSpecProblems({command: 'x', gpus: 1, ports: [8080, {port: 53, protocol: 'udp'}]})).toEqual([])
    expect(jobSpecProblems({command: 'x', ports: [8080, {port: 8080}]})).toEqual([{field: '/ports/1', message: 'port 8080/tcp is listed twice'}])
    expect(jobSpecProblems({command: 'x', ports: [0]})[0].field).toBe('/ports/0')
    expect(jobSpecProblems({command: 'x', ports: [{port: 1, protocol: 'sctp'}]})[0].field).toMatch(/^\/ports\/0/)
    expect(jobSpecProblems({command: 'x', gpus: -1})[0].field).toBe('/gpus')
  })
})

describe('the process executor', () => {
  it('refuses ports and GPUs by name (it can give neither), and takes a spec without them', () => {
    const executor = new ProcessExecutor({sandbox: {bwrap: 'bwrap', detail: 'test', ok: false}, warn: () => {}})
    expect(executor.refuse({command: 'x', ports: [8080]})).toContain('Remove "ports"')
    expect(executor.refuse({command: 'x', gpus: 1})).toContain('Remove "gpus"')
    expect(executor.refuse({command: 'x', gpus: 0})).toBeUndefined()
  })
})

describe('compute jobs', () => {
  const job = (id: string, status: 'exited' | 'running', ports?: Array<{address: string; hostPort: number; port: number; protocol: 'tcp' | 'udp'}>) => ({consumer: '0x0000000000000000000000000000000000000001' as const, createdAt: '2026-01-01T00:00:00.000Z', dealId: '1', exitCode: status === 'running' ? null : 0, executor: 'container', id, lastSeq: 0, ports, signal: null, spec: {command: 'sh'}, startedAt: '2026-01-01T00:00:00.000Z', status})
  it('shows where a running job’s ports answer, and no such column when none does', () => {
    const withPorts = jobsTable([job('1', 'running', [{address: '203.0.113.5:41234', hostPort: 41234, port: 8080, protocol: 'tcp'}]), job('2', 'exited', [{address: '203.0.113.5:41000', hostPort: 41000, port: 8080, protocol: 'tcp'}])], () => 0, {})
    expect(withPorts).toContain('reach at')
    expect(withPorts).toContain('203.0.113.5:41234 (8080)')
    expect(withPorts).not.toContain('41000')
    expect(jobsTable([job('2', 'exited')], () => 0, {})).not.toContain('reach at')
    // At 80 columns the address stays whole; other columns fold or go first.
    const columns = process.env.COLUMNS
    process.env.COLUMNS = '80'
    try {
      const narrow = jobsTable([{...job('1', 'running', [{address: '203.0.113.5:41234', hostPort: 41234, port: 8080, protocol: 'tcp'}]), reason: 'x', spec: {args: ['-c', 'exec busybox httpd -f -p 8080 -h /tmp/www with a long command line'], command: 'sh'}}], () => 0, {})
      expect(Math.max(...narrow.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80)
      expect(narrow).toContain('203.0.113.5:41234')
    } finally {
      if (columns === undefined) delete process.env.COLUMNS
      else process.env.COLUMNS = columns
    }
  })
})
