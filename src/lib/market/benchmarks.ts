// SONM's benchmark vector (sonm-io/benchmarks-list list.json, indices 0..11: the Market's initial
// benchmarksQuantity) and netflags (proto/capabilities.go). Every benchmark is a "higher is better"
// minimum: an ask meets a bid when ask[i] >= bid[i] for every i.

export const BENCHMARK_NAMES = [
  'cpuSysbenchMulti', // 0 cpu-sysbench-multi: sysbench score, all threads
  'cpuSysbenchSingle', // 1 cpu-sysbench-single
  'cpuCores', // 2 cpu-cores: CPU threads
  'ramSize', // 3 ram-size: bytes
  'storageSize', // 4 storage-size: bytes
  'netDownload', // 5 net-download: bits/s
  'netUpload', // 6 net-upload: bits/s
  'gpuCount', // 7 gpu-count
  'gpuMem', // 8 gpu-mem: bytes per GPU
  'gpuEthHashrate', // 9 gpu-eth-hashrate: hashes/s
  'gpuCashHashrate', // 10 gpu-cash-hashrate: hashes/s
  'gpuRedshift', // 11 gpu-redshift: render score
] as const

export type BenchmarkName = (typeof BENCHMARK_NAMES)[number]

export const BENCHMARKS_QUANTITY = BENCHMARK_NAMES.length
export const MAX_BENCHMARK_VALUE = 1n << 63n

/** The most any one machine can plausibly have of each: a plan beyond these is a typo, refused with its line. */
export const BENCHMARK_LIMITS: Record<BenchmarkName, bigint> = {
  cpuCores: 16_384n,
  cpuSysbenchMulti: MAX_BENCHMARK_VALUE,
  cpuSysbenchSingle: MAX_BENCHMARK_VALUE,
  gpuCashHashrate: MAX_BENCHMARK_VALUE,
  gpuCount: 256n,
  gpuEthHashrate: MAX_BENCHMARK_VALUE,
  gpuMem: 1n << 40n, // 1 TiB per GPU
  gpuRedshift: MAX_BENCHMARK_VALUE,
  netDownload: 10n ** 13n, // 10 Tbit/s
  netUpload: 10n ** 13n,
  ramSize: 1n << 46n, // 64 TiB
  storageSize: 1n << 60n, // 1 EiB
}

export const NETFLAG_NAMES = ['overlay', 'outbound', 'incoming'] as const
export type NetflagName = (typeof NETFLAG_NAMES)[number]
export const NETFLAGS_QUANTITY = NETFLAG_NAMES.length

export type Benchmarks = Record<BenchmarkName, bigint>
export type Netflags = Record<NetflagName, boolean>

/** A vector from the chain (any length; missing entries are 0, as the Market pads them). */
export function benchmarksFromVector(vector: readonly bigint[]): Benchmarks {
  return Object.fromEntries(BENCHMARK_NAMES.map((name, i) => [name, vector[i] ?? 0n])) as Benchmarks
}

export function benchmarksToVector(values: Partial<Benchmarks>): bigint[] {
  return BENCHMARK_NAMES.map((name) => values[name] ?? 0n)
}

export function netflagsFromVector(vector: readonly boolean[]): Netflags {
  return Object.fromEntries(NETFLAG_NAMES.map((name, i) => [name, vector[i] ?? false])) as Netflags
}

export function netflagsToVector(flags: Partial<Netflags>): boolean[] {
  return NETFLAG_NAMES.map((name) => flags[name] ?? false)
}
