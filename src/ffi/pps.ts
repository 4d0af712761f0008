/**
 * A kernel PPS source (`/dev/ppsN`) through RFC 2783 ioctls: `PPS_GETCAP`, `PPS_GETPARAMS` and
 * `PPS_FETCH` with a zero timeout (the latest event, at once: no thread blocks). Read only: this
 * file never sends `PPS_SETPARAMS` or `PPS_KC_BIND`.
 *
 * @module
 */
import { checked } from "./check.ts";
import { closeFd, openReadOnly } from "./file.ts";
import { libc } from "./libc.ts";
import { decodePpsFdata, decodePpsKparams, type PpsInfo, type PpsParams } from "../pps/decode.ts";
import { PPS_FDATA_SIZE, PPS_IOCTL, PPS_KPARAMS_SIZE } from "../pps/layout.ts";

/** An open PPS device; closed on dispose. */
export class PpsDevice implements Disposable {
  #fd: number;
  /** The path opened, e.g. `/dev/pps0`. */
  readonly path: string;
  readonly #fdata = new Uint8Array(PPS_FDATA_SIZE);
  readonly #params = new Uint8Array(PPS_KPARAMS_SIZE);
  readonly #cap = new Uint8Array(4);

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  /**
   * Opens `path` read-only.
   *
   * @throws {SyscallError} ENOENT when it does not exist; EACCES when this process may not read
   *   it (a stock `/dev/pps0` is root 0600), …
   */
  static open(path: string): PpsDevice {
    return new PpsDevice(path, openReadOnly(path, `open PPS device ${path}`));
  }

  #ioctl(request: bigint, buf: Uint8Array, action: string): void {
    if (this.#fd < 0) throw new Error(`Cannot ${action}: the device is closed`);
    checked(libc().ioctl(this.#fd, request, buf), action, "ioctl");
  }

  /**
   * `PPS_GETCAP`: the source's capability bits.
   *
   * @throws {SyscallError} ENOTTY when the file is not a PPS device, …
   */
  capabilities(): number {
    this.#ioctl(PPS_IOCTL.GETCAP, this.#cap, `read the capabilities of ${this.path}`);
    return new DataView(this.#cap.buffer).getInt32(0, true);
  }

  /** `PPS_GETPARAMS`: the source's current parameters. @throws {SyscallError} */
  params(): PpsParams {
    this.#ioctl(PPS_IOCTL.GETPARAMS, this.#params, `read the parameters of ${this.path}`);
    return decodePpsKparams(this.#params);
  }

  /**
   * `PPS_FETCH` with a zero timeout: the latest assert and clear events, without waiting.
   *
   * @throws {SyscallError} e.g. EINTR, ENODEV when the device went away.
   */
  fetch(): PpsInfo {
    this.#fdata.fill(0); // timeout {0, 0}, flags 0: return at once
    this.#ioctl(PPS_IOCTL.FETCH, this.#fdata, `fetch the latest event of ${this.path}`);
    return decodePpsFdata(this.#fdata);
  }

  /** Closes the descriptor (once). */
  [Symbol.dispose](): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    closeFd(fd, `close PPS device ${this.path}`);
  }
}
