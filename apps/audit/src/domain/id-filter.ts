/**
 * A Bloom filter of strings: `mightHave` is false only for a string never added (false
 * positives, never false negatives). Fixed size; past the number of strings it was sized for
 * it answers true more often, never wrongly false.
 */
export class IdFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;

  /** Sized for `expected` strings at about 1 % false positives (9.6 bits each, 7 probes). */
  constructor(expected: number) {
    if (!Number.isInteger(expected) || expected < 1) throw new RangeError(`expected must be a positive integer, got ${expected}`);
    const words = Math.ceil((expected * 9.6) / 32);
    this.bits = new Uint32Array(words);
    this.size = words * 32;
  }

  add(value: string): void {
    const [h1, h2] = hashes(value);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) % this.size;
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
  }

  mightHave(value: string): boolean {
    const [h1, h2] = hashes(value);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) % this.size;
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  clear(): void {
    this.bits.fill(0);
  }
}

const PROBES = 7;

/** Two independent 32-bit hashes of `value` (FNV-1a and a murmur-style mix), for double hashing. */
function hashes(value: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // The second hash is odd, so the probes of one value never repeat a bit for lack of stride.
  return [a >>> 0, (b | 1) >>> 0];
}
