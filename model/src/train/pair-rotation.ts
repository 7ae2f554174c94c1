import { Rng } from './random.js';

/**
 * Which training pair each crop of a run comes from. Decoding a pair costs far more than a step
 * needs from it (two 24 MP JPEGs: seconds, for a few 64-px crops), so a run works on a few decoded
 * pairs at a time, "slots", and takes many crops from each before its slot moves on to the next
 * pair. Slots move on one at a time, staggered, so the next pair can be decoded while steps run.
 * Pairs come in seeded shuffles of the whole set (one visit per pair per round), so all are used
 * evenly. Everything is a function of the seed and the batch index, never of what happens to be
 * decoded: a resumed run gets the batches the uninterrupted one would have.
 */

/** Decoded pairs held at once (slots, plus the next pair being decoded): three 24 MP pairs, as the sampler held before. */
export const DECODED_PAIRS_BUDGET = 512 * 2 ** 20;
/** Crops a pair gives per visit: ~32 64-px crops of a 24 MP photo cover 0.5 % of it. */
export const CROPS_PER_VISIT = 32;

export interface RotationPlan {
  /** Pairs in use at once; crops of a batch go round them. */
  slots: number;
  /** Batches a slot keeps its pair (at least `slots`, so at most one slot moves on per batch). */
  visitBatches: number;
  /** Every pair fits the budget at once: nothing is ever decoded twice. */
  allFit: boolean;
}

/** Bytes of a decoded pair (two RGB regions). */
export function decodedBytes(region: { width: number; height: number }): number {
  return 2 * region.width * region.height * 3;
}

/**
 * Slots for these pairs: as many as fit the budget with one more being decoded, and at least two
 * (the old sampler held two decoded pairs and decoded a third, whatever their size), so a batch
 * mixes pairs even for 45 MP photos.
 */
export function rotationPlan(pairBytes: readonly number[], batch: number, budget = DECODED_PAIRS_BUDGET): RotationPlan {
  const total = pairBytes.reduce((a, b) => a + b, 0);
  const largest = Math.max(...pairBytes);
  const allFit = total <= budget;
  const slots = allFit ? pairBytes.length : Math.min(pairBytes.length, Math.max(2, Math.floor(budget / largest) - 1));
  return { slots, visitBatches: Math.max(slots, Math.round((CROPS_PER_VISIT * slots) / batch)), allFit };
}

export class PairRotation {
  private readonly rounds = new Map<number, number[]>();

  constructor(
    private readonly pairCount: number,
    private readonly plan: RotationPlan,
    private readonly batch: number,
    private readonly seed: number,
  ) {}

  /** Where slot s is in its cycle: staggered so the slots do not all move on at once. */
  private offset(slot: number): number {
    return Math.floor((slot * this.plan.visitBatches) / this.plan.slots);
  }

  /** The pair slot `slot` holds during batch `b`. */
  pairOf(slot: number, b: number): number {
    const visit = Math.floor((b + this.offset(slot)) / this.plan.visitBatches) * this.plan.slots + slot;
    return this.round(Math.floor(visit / this.pairCount))[visit % this.pairCount]!;
  }

  /** The pair crop `i` of batch `b` is cut from: the slots in turn, over the whole run. */
  pairOfCrop(b: number, i: number): number {
    return this.pairOf((b * this.batch + i) % this.plan.slots, b);
  }

  /** Pairs any slot holds during batch `b`. */
  held(b: number): Set<number> {
    return new Set(Array.from({ length: this.plan.slots }, (_, s) => this.pairOf(s, b)));
  }

  /** Pairs the crops of batch `b` come from. */
  used(b: number): Set<number> {
    return new Set(Array.from({ length: this.batch }, (_, i) => this.pairOfCrop(b, i)));
  }

  /** The first batch after `b` at which a slot moves on, and the pair it moves on to. */
  nextChange(b: number): { batch: number; pair: number } {
    const L = this.plan.visitBatches;
    let best = { batch: Infinity, slot: 0 };
    for (let s = 0; s < this.plan.slots; s++) {
      const at = b + L - ((b + this.offset(s)) % L);
      if (at < best.batch) best = { batch: at, slot: s };
    }
    return { batch: best.batch, pair: this.pairOf(best.slot, best.batch) };
  }

  /** Round r's order of the pairs, seeded; only the last few are kept. */
  private round(r: number): number[] {
    let order = this.rounds.get(r);
    if (!order) {
      order = new Rng((Math.imul(this.seed, 0x9e3779b1) ^ Math.imul(r + 1, 0x85ebca6b)) >>> 0).shuffle(Array.from({ length: this.pairCount }, (_, i) => i));
      this.rounds.set(r, order);
      if (this.rounds.size > 4) this.rounds.delete(this.rounds.keys().next().value!);
    }
    return order;
  }
}
