/**
 * Byte layouts of the NTP shared-memory sample (`struct shmTime`) and of `struct shmid_ds`,
 * as measured on x86_64 and aarch64 Linux with 64-bit `time_t` (they agree). See
 * `../shared/reference/README.md` §1.
 *
 * @module
 */

/** SysV key of NTP SHM unit 0 ("NTP0"); unit N is `NTP_SHM_KEY_BASE + N`. */
export const NTP_SHM_KEY_BASE = 0x4e545030;

/** The highest SHM unit number accepted (the key stays inside NTP's range). */
export const MAX_SHM_UNIT = 255;

/** Size of `struct shmTime` on 64-bit Linux. */
export const SHM_TIME_SIZE = 96;

/** Offsets of `struct shmTime` fields. */
export const SHM_TIME = {
  mode: 0, // i32
  count: 4, // i32
  clockTimeStampSec: 8, // i64
  clockTimeStampUSec: 16, // i32
  receiveTimeStampSec: 24, // i64
  receiveTimeStampUSec: 32, // i32
  leap: 36, // i32
  precision: 40, // i32
  nsamples: 44, // i32
  valid: 48, // i32
  clockTimeStampNSec: 52, // u32
  receiveTimeStampNSec: 56, // u32
  dummy: 60, // i32[8]
} as const;

/** Size of `struct shmid_ds` on 64-bit Linux. */
export const SHMID_DS_SIZE = 112;

/** Offsets of the `struct shmid_ds` fields we read. */
export const SHMID_DS = {
  uid: 4, // shm_perm.uid, u32
  gid: 8, // shm_perm.gid, u32
  mode: 20, // shm_perm.mode, low 9 bits are the permissions
  segsz: 48, // u64
  atime: 56, // i64
  dtime: 64, // i64
  ctime: 72, // i64
  cpid: 80, // i32
  lpid: 84, // i32
  nattch: 88, // u64
} as const;

/** `shmat` flag: attach read-only. */
export const SHM_RDONLY = 0o10000;
/** `shmctl` command: copy the kernel's `shmid_ds`. */
export const IPC_STAT = 2;

/** The SysV key of an NTP SHM unit. */
export function shmKey(unit: number): number {
  return NTP_SHM_KEY_BASE + unit;
}
