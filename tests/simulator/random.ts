// The simulator's only source of randomness: a seeded generator, so that an interleaving that
// broke a property can be replayed exactly from the seed its run reports. Math.random is never used.

/** mulberry32: 32 bits of state, fast, and the same sequence for a seed on every platform. */
export class SeededRandom {
    private state: number;

    constructor(seed: number) {
        this.state = seed >>> 0;
    }

    /** Uniform in [0, 1). */
    next(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    }

    /** Uniform integer in [0, n). */
    below(n: number): number {
        return Math.floor(this.next() * n);
    }
}

/**
 * A seed for the `index`-th use of `seed` (e.g. the simulator's seed and a run's index), so that
 * consecutive runs do not replay the same choices and a run's seed can be replayed on its own.
 */
export function deriveSeed(seed: number, index: number): number {
    let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    return (h ^ (h >>> 16)) >>> 0;
}
