// @ts-check
// After `stryker run`: each mutated file's score by Stryker's count (killed and timed out, over
// those plus survived and not covered), the same with the listed equivalent mutants left out, and
// every mutant that survived which mutation/equivalent.json does not explain. Exits 1 when a
// survivor is unexplained or a file is under the bar with the equivalent ones left out; names the
// files under the bar by Stryker's own count (equivalents are survivors there), and
// names equivalent.json entries that no longer match a survivor (the code changed: review them);
// a run over some files only (stryker run ... --mutate <file>) is judged on those files.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const BAR = 95;

/** @typedef {{ file: string, mutator: string, original: string, replacement: string, why: string }} Equivalent */
/** @type {Equivalent[]} */
const equivalents = JSON.parse(readFileSync(`${root}mutation/equivalent.json`, "utf8"));
/** @type {{ files: Record<string, { source: string, mutants: any[] }> }} */
const report = JSON.parse(readFileSync(`${root}reports/mutation/mutation.json`, "utf8"));

const collapse = (/** @type {string} */ text) => text.replace(/\s+/g, " ").trim();

/** The source a mutant replaces, whitespace collapsed. */
function originalOf(/** @type {string} */ source, /** @type {any} */ location) {
    const lines = source.split("\n");
    const { start, end } = location;
    const text =
        start.line === end.line
            ? lines[start.line - 1].slice(start.column - 1, end.column - 1)
            : [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join("\n");
    return collapse(text);
}

const used = new Set();
let failed = false;
const rows = [];
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const count = (/** @type {string[]} */ statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
    const detected = count(["Killed", "Timeout"]);
    const valid = detected + count(["Survived", "NoCoverage"]);
    const score = valid === 0 ? 100 : (100 * detected) / valid;
    const unexplained = [];
    let explained = 0;
    for (const mutant of mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage")) {
        const original = originalOf(source, mutant.location);
        const replacement = collapse(mutant.replacement ?? "");
        /** @param {Equivalent} e */
        const matches = (e) => e.file === file && e.mutator === mutant.mutatorName && collapse(e.replacement) === replacement && original.startsWith(collapse(e.original));
        // Two identical mutants (the same expression on two lines) may have an entry each.
        const entry = equivalents.find((e) => matches(e) && !used.has(e)) ?? equivalents.find(matches);
        if (entry) {
            used.add(entry);
            explained += 1;
        } else {
            unexplained.push(
                `  ${file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.status} ${mutant.mutatorName}: ${original.slice(0, 100)}  ->  ${replacement.slice(0, 100)}`,
            );
        }
    }
    const withoutEquivalents = valid - explained === 0 ? 100 : (100 * detected) / (valid - explained);
    rows.push({
        file,
        score: score.toFixed(2),
        "score, equivalents left out": withoutEquivalents.toFixed(2),
        mutants: mutants.length,
        survived: valid - detected,
        equivalent: explained,
        unexplained: unexplained.length,
    });
    if (withoutEquivalents < BAR || unexplained.length > 0) {
        failed = true;
    }
    if (unexplained.length > 0) {
        console.log(`${file}: ${unexplained.length} survivor(s) neither killed nor listed in mutation/equivalent.json:`);
        unexplained.forEach((line) => console.log(line));
    }
}
console.table(rows);
const stale = equivalents.filter((e) => e.file in report.files && !used.has(e));
if (stale.length > 0) {
    console.log("mutation/equivalent.json entries that match no survivor (killed now, or the code changed; remove or update them):");
    stale.forEach((e) => console.log(`  ${e.file} ${e.mutator}: ${e.original} -> ${e.replacement}`));
}
const under = rows.filter((row) => Number(row.score) < BAR).map((row) => row.file);
if (under.length > 0) {
    // Equivalent mutants count as survivors in Stryker's score: a file can stay under the bar with
    // every survivor explained. Said here so that it is never mistaken for a pass by that count.
    console.log(`Under ${BAR}% by Stryker's count, with every survivor listed as equivalent: ${under.join(", ")}.`);
}
console.log(
    failed
        ? `Unexplained survivors, or under ${BAR}% with the equivalent ones left out: see above.`
        : `Every survivor explained; every file at ${BAR}% or more with the equivalent ones left out.`,
);
process.exitCode = failed ? 1 : 0;
