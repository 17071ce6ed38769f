// `pulumi up --target` and `--target-dependents` as Pulumi 3.x's engine applies them (read in
// pulumi/pulumi pkg/resource/deploy: deployment.go UrnTargets, step_generator.go
// isTargetedForUpdate, GenerateDeletes, getTargetDependents; README.md says what follows from them).

/**
 * The `--target` values of one update. A value containing `*` is a glob over the whole URN: `**`
 * matches anything, `*` anything but `:` (so within one segment of the URN, e.g. a name or a type
 * chain). Any other value must equal the URN.
 */
export class UrnPatterns {
    private readonly literals: ReadonlySet<string>;
    private readonly globs: readonly RegExp[];

    constructor(patterns: readonly string[]) {
        this.literals = new Set(patterns.filter((p) => !p.includes("*")));
        this.globs = patterns.filter((p) => p.includes("*")).map(globToRegExp);
    }

    /** False when no target was given: everything is targeted. */
    get constrained(): boolean {
        return this.literals.size > 0 || this.globs.length > 0;
    }

    matches(urn: string): boolean {
        return !this.constrained || this.literals.has(urn) || this.globs.some((glob) => glob.test(urn));
    }

    /** The plain URNs among the targets: the engine fails an update when one names nothing. */
    get literalUrns(): readonly string[] {
        return [...this.literals];
    }
}

function globToRegExp(glob: string): RegExp {
    const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const segments = glob.split("**").map((part) => part.split("*").map(escape).join("[^:]*"));
    return new RegExp(`^${segments.join(".*")}$`);
}

/** A resource of the prior state, as the engine's dependency graph sees it. */
export interface StateNode {
    readonly urn: string;
    /** URNs of its parent and of every resource it depends on. */
    readonly dependsOn: readonly string[];
}

/** The targeting of one update. Unconstrained (no targets), it targets and may delete everything. */
export class RunTargets {
    private readonly patterns: UrnPatterns;
    /** Registrations of this run found targeted, which their dependents inherit under --target-dependents. */
    private readonly targeted = new Set<string>();

    constructor(
        targets: readonly string[] = [],
        readonly targetDependents = false,
    ) {
        this.patterns = new UrnPatterns(targets);
    }

    get constrained(): boolean {
        return this.patterns.constrained;
    }

    /**
     * Whether this registration is targeted: named by a target, or, with --target-dependents, a
     * child or dependent of a targeted one (its parent counts as a dependency, so a targeted
     * component's children follow it). The engine decides this in registration order, which the
     * SDK makes a dependency order, so the resources it depends on have been decided already.
     */
    admit(urn: string, dependsOn: readonly string[]): boolean {
        const targeted = this.patterns.matches(urn) || (this.targetDependents && dependsOn.some((dep) => this.targeted.has(dep) || this.patterns.matches(dep)));
        if (targeted) {
            this.targeted.add(urn);
        }
        return targeted;
    }

    /**
     * The prior state's resources a targeted update may delete at its end: those a target names
     * and, transitively, their children and dependents (whatever needs them to exist). Undefined
     * when unconstrained: everything may go. The engine computes this whether or not
     * --target-dependents is given; refusedDeletes then says which deletes it rejects.
     */
    deletable(prior: readonly StateNode[]): ReadonlySet<string> | undefined {
        if (!this.constrained) {
            return undefined;
        }
        const dependents = new Map<string, string[]>();
        for (const node of prior) {
            for (const dep of node.dependsOn) {
                dependents.set(dep, [...(dependents.get(dep) ?? []), node.urn]);
            }
        }
        const allowed = new Set<string>();
        const frontier = prior.filter((node) => this.patterns.matches(node.urn)).map((node) => node.urn);
        while (frontier.length > 0) {
            const urn = frontier.pop()!;
            if (!allowed.has(urn)) {
                allowed.add(urn);
                frontier.push(...(dependents.get(urn) ?? []));
            }
        }
        return allowed;
    }

    /**
     * Deletes the engine refuses ("will be destroyed but was not specified in --target list"):
     * without --target-dependents, any delete of a resource no target names fails the update
     * before anything is deleted.
     */
    refusedDeletes(urns: readonly string[]): string[] {
        return this.targetDependents ? [] : urns.filter((urn) => !this.patterns.matches(urn));
    }

    /** Plain-URN targets that name neither a resource of the prior state nor one this run registered. */
    notFound(known: (urn: string) => boolean): string[] {
        return this.patterns.literalUrns.filter((urn) => !known(urn));
    }
}
