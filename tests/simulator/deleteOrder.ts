import type { SeededRandom } from "./random";

// The order of an update's final deletes. The engine deletes what left the program, and the old
// halves of replacements, only at the end of a successful update, in antichains run concurrently:
// anything may go first as long as every resource goes before what it depends on (its parent
// included). A seeded pick among the deletable ones gives one such order.

export interface Deletable {
    readonly key: string;
    /** Key of its parent, if any. */
    readonly parent?: string;
    /** Keys of the resources it depends on. */
    readonly dependencies: readonly string[];
}

/**
 * A random order of `doomed` in which each resource comes before everything it depends on.
 * Versions sharing a key (a replacement's old half and a removed resource) all wait for whatever
 * depends on that key.
 */
export function randomDeleteOrder<T extends Deletable>(doomed: readonly T[], random: SeededRandom): T[] {
    const dependsOn = (a: T, key: string): boolean => a.key !== key && (a.parent === key || a.dependencies.includes(key));
    const waitingFor = doomed.map((item) => doomed.filter((other) => dependsOn(other, item.key)).length);
    const remaining = doomed.map((item, index) => ({ item, index }));
    const order: T[] = [];
    while (remaining.length > 0) {
        const deletable = remaining.filter(({ index }) => waitingFor[index] === 0);
        if (deletable.length === 0) {
            throw new Error(`simulator: the resources left to delete depend on each other: ${remaining.map(({ item }) => item.key).join(", ")}`);
        }
        const { item, index } = deletable[random.below(deletable.length)];
        remaining.splice(
            remaining.findIndex((r) => r.index === index),
            1,
        );
        order.push(item);
        remaining.forEach(({ item: other, index: i }) => {
            if (dependsOn(item, other.key)) {
                waitingFor[i] -= 1;
            }
        });
    }
    return order;
}
